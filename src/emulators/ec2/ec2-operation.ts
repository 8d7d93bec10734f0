import type { EmulatorChaos } from '../shared/emulator-chaos.js';
import type { Ec2RegionOption } from './ec2-options.js';
import type { Ec2State } from './ec2-state.js';
import type { QueryParams } from './query-params.js';
import type { XmlElement } from './xml-renderer.js';

export interface Ec2RequestContext {
  readonly params: QueryParams;
  readonly region: Ec2RegionOption;
  readonly state: Ec2State;
  /** One clock reading per request, so a response is internally consistent. */
  readonly now: number;
  /** Fault rules and quirks replayed from a chaos scenario. */
  readonly chaos: EmulatorChaos;
}

/** Answers one Action with the members of `<ActionResponse>` after `requestId`, or throws an Ec2Error. */
export type Ec2Operation = (context: Ec2RequestContext) => XmlElement[];
