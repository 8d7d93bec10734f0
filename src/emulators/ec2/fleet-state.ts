import type { Ec2State } from './ec2-state.js';

/** The launch parameters the emulator reads from a template; everything else in LaunchTemplateData is accepted and ignored. */
export interface Ec2LaunchTemplateData {
  readonly imageId: string | undefined;
  readonly instanceType: string | undefined;
  readonly userData: string | undefined;
  readonly keyName: string | undefined;
  /** `LaunchTemplateData.TagSpecification`: tags applied to what a launch from the template creates, by resource type. */
  readonly tags: ReadonlyMap<string, ReadonlyMap<string, string>>;
}

/** A launch template with exactly one version (the emulator has no CreateLaunchTemplateVersion). */
export interface Ec2LaunchTemplateRecord {
  readonly seq: number;
  readonly launchTemplateId: string;
  readonly launchTemplateName: string;
  readonly region: string;
  readonly createdAt: number;
  readonly createdBy: string;
  readonly data: Ec2LaunchTemplateData;
  readonly tags: Map<string, string>;
}

/** One CreateFleet answer, kept so a repeated ClientToken replays it instead of launching again. */
export interface Ec2FleetRecord {
  readonly fleetId: string;
  readonly region: string;
  readonly type: 'instant';
  readonly createdAt: number;
  readonly fingerprint: string;
  readonly clientToken: string | undefined;
  readonly tags: Map<string, string>;
  readonly instances: readonly Ec2FleetLaunch[];
  readonly errors: readonly Ec2FleetLaunchError[];
}

/** The override a fleet result names: the template as the request named it, and the pool. */
export interface Ec2FleetPoolRef {
  readonly launchTemplateId: string | undefined;
  readonly launchTemplateName: string | undefined;
  readonly version: string;
  readonly instanceType: string;
  readonly zone: string;
  readonly subnetId: string | undefined;
  readonly maxPrice: string | undefined;
  readonly weightedCapacity: number | undefined;
  readonly priority: number | undefined;
  readonly imageId: string | undefined;
}

export type Ec2FleetLifecycle = 'spot' | 'on-demand';

export interface Ec2FleetLaunch {
  readonly pool: Ec2FleetPoolRef;
  readonly lifecycle: Ec2FleetLifecycle;
  readonly instanceIds: readonly string[];
}

export interface Ec2FleetLaunchError {
  readonly pool: Ec2FleetPoolRef;
  readonly lifecycle: Ec2FleetLifecycle;
  readonly errorCode: string;
  readonly errorMessage: string;
}

/**
 * Launch templates and fleets, kept beside `Ec2State` rather than in it: one store per emulator
 * instance, created on first use, gone with the state.
 */
export class Ec2FleetStore {
  readonly launchTemplates = new Map<string, Ec2LaunchTemplateRecord>();
  readonly fleets = new Map<string, Ec2FleetRecord>();
  private readonly fleetTokens = new Map<string, string>();
  private readonly templateTokens = new Map<string, { fingerprint: string; launchTemplateId: string }>();

  templateByName(region: string, name: string): Ec2LaunchTemplateRecord | undefined {
    for (const template of this.launchTemplates.values()) {
      if (template.region === region && template.launchTemplateName === name) return template;
    }
    return undefined;
  }

  /** How many launch templates exist (in one region, or in all): what counts against an account's quota of templates. */
  templateCount(region?: string): number {
    if (region === undefined) return this.launchTemplates.size;
    let count = 0;
    for (const template of this.launchTemplates.values()) if (template.region === region) count += 1;
    return count;
  }

  templatesInRegion(region: string): Ec2LaunchTemplateRecord[] {
    return [...this.launchTemplates.values()].filter((template) => template.region === region).sort((a, b) => a.seq - b.seq);
  }

  fleetByToken(region: string, clientToken: string): Ec2FleetRecord | undefined {
    const fleetId = this.fleetTokens.get(`${region}\u0000${clientToken}`);
    return fleetId === undefined ? undefined : this.fleets.get(fleetId);
  }

  rememberFleet(fleet: Ec2FleetRecord): void {
    this.fleets.set(fleet.fleetId, fleet);
    if (fleet.clientToken !== undefined) this.fleetTokens.set(`${fleet.region}\u0000${fleet.clientToken}`, fleet.fleetId);
  }

  templateToken(region: string, clientToken: string): { fingerprint: string; launchTemplateId: string } | undefined {
    return this.templateTokens.get(`${region}\u0000${clientToken}`);
  }

  rememberTemplateToken(region: string, clientToken: string, record: { fingerprint: string; launchTemplateId: string }): void {
    this.templateTokens.set(`${region}\u0000${clientToken}`, record);
  }
}

const stores = new WeakMap<Ec2State, Ec2FleetStore>();

export function fleetStore(state: Ec2State): Ec2FleetStore {
  let store = stores.get(state);
  if (store === undefined) {
    store = new Ec2FleetStore();
    stores.set(state, store);
  }
  return store;
}
