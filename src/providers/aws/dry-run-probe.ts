import { RunInstancesCommand, type _InstanceType } from '@aws-sdk/client-ec2';
import { z } from 'zod';
import type { ProviderCallOptions, ProviderWorkflow } from '../../contracts/index.js';
import { type Ec2Clients, runAbortable, sendOptions } from './ec2-clients.js';
import { ec2CodeOf, ec2Error } from './ec2-errors.js';
import type { SubnetChooser } from './subnet-chooser.js';

export const DryRunProbeInputSchema = z
  .object({
    /** Default: the first configured region. */
    region: z.string().min(1).optional(),
    instanceType: z.string().min(1).default('t3.micro'),
    /** Default: any zone (with subnets configured, the region's roomiest subnet's). */
    zone: z.string().min(1).optional(),
    /** Default: the configured default image. */
    imageId: z.string().min(1).optional(),
  })
  .strict();

export type DryRunProbeInput = z.input<typeof DryRunProbeInputSchema>;

export interface DryRunProbeResult {
  region: string;
  instanceType: string;
  /** The configured subnet the dry run named (a launch's subnet), or null when none is configured. */
  subnetId: string | null;
  /** True when EC2 answered DryRunOperation: the credentials may launch this, and nothing was launched. */
  wouldSucceed: boolean;
  /** EC2's answer code (DryRunOperation, UnauthorizedOperation, …). */
  ec2Code: string;
  message: string;
}

/** The workflow; its `run` also takes the call's options (an aborted signal stops the subnet read and the dry run). */
export interface DryRunProbe extends ProviderWorkflow<DryRunProbeInput, DryRunProbeResult> {
  run(input: DryRunProbeInput, call?: ProviderCallOptions): Promise<DryRunProbeResult>;
}

/**
 * The safe execution probe: RunInstances with DryRun. EC2 checks permissions, parameters and the
 * image, then answers DryRunOperation ("would have succeeded") without launching or billing anything;
 * UnauthorizedOperation means these credentials may not launch. Any other refusal surfaces as the
 * provider error its code maps to. The readiness layer uses it beside the health check.
 */
export function createAwsDryRunProbe(options: {
  clients: Ec2Clients;
  defaultImageId: string;
  keyName?: string;
  /** A real launch names a subnet when subnets are configured (and must, without a default VPC): the dry run does too. */
  subnets?: SubnetChooser;
}): DryRunProbe {
  return {
    description: 'RunInstances with DryRun: proves the credentials may launch (DryRunOperation) without launching anything',
    input: DryRunProbeInputSchema,
    run(raw, call) {
      return runAbortable(call?.signal, () => dryRun(raw, call?.signal));
    },
  };

  async function dryRun(raw: DryRunProbeInput, signal: AbortSignal | undefined): Promise<DryRunProbeResult> {
    const input = DryRunProbeInputSchema.parse(raw);
    const region = input.region ?? options.clients.regions[0] ?? 'us-east-1';
    const subnet = (await options.subnets?.choose(region, input.zone ?? null, undefined, signal)) ?? null;
    const zone = subnet?.zone ?? input.zone;
    const base = { region, instanceType: input.instanceType, subnetId: subnet?.subnetId ?? null };
    try {
      await options.clients.of(region).send(
        new RunInstancesCommand({
          DryRun: true,
          MinCount: 1,
          MaxCount: 1,
          ImageId: input.imageId ?? options.defaultImageId,
          InstanceType: input.instanceType as _InstanceType,
          ...(zone !== undefined && { Placement: { AvailabilityZone: zone } }),
          ...(subnet !== null && { SubnetId: subnet.subnetId }),
          ...(options.keyName !== undefined && { KeyName: options.keyName }),
        }),
        sendOptions(signal),
      );
    } catch (error) {
      const code = ec2CodeOf(error);
      const message = error instanceof Error ? error.message : String(error);
      if (code === 'DryRunOperation') return { ...base, wouldSucceed: true, ec2Code: code, message };
      if (code === 'UnauthorizedOperation') return { ...base, wouldSucceed: false, ec2Code: code, message };
      throw ec2Error('RunInstances', region, error);
    }
    // EC2 never answers a dry run with success; an endpoint that did ignored DryRun and may have launched.
    return { ...base, wouldSucceed: false, ec2Code: 'NoDryRunAnswer', message: 'the endpoint answered a DryRun request with success: it ignores DryRun' };
  }
}
