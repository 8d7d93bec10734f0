import type { EC2Client } from '@aws-sdk/client-ec2';
import type { Ec2Clients } from '../../../src/providers/aws/ec2-clients.js';
import type { AwsRegistration } from '../../../src/providers/aws/aws-registration.js';

/** The provider's own SDK client for a region (the registration keeps its clients on the provider's options). */
export function ec2ClientOf(registration: AwsRegistration, region: string): EC2Client {
  return (registration.provider as unknown as { options: { clients: Ec2Clients } }).options.clients.of(region);
}

/**
 * Rewrites one operation's parsed answer before the provider reads it: how a test plays a vendor
 * answer the emulator has no reason to give (a field missing from one entry of a list).
 */
export function tamperWithAnswer(client: EC2Client, command: string, rewrite: (output: Record<string, unknown>) => void): void {
  client.middlewareStack.add(
    (next, context) => async (args) => {
      const result = await next(args);
      if (context.commandName === command) rewrite(result.output as unknown as Record<string, unknown>);
      return result;
    },
    { step: 'initialize', name: `tamper${command}` },
  );
}
