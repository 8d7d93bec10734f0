import type { ProviderRegistration } from '../../src/contracts/index.js';
import type { ComputeSubject } from '../../src/governance/conformance/index.js';

/** The owner of every machine the suite makes, and of the "someone else's" machine the list case makes. */
export const COMPLIANCE_OWNER = 'compliance';
export const COMPLIANCE_FOREIGN_OWNER = 'someone-else';

/**
 * A fresh, isolated registration as the conformance kit's subject: the provider and what the cases need
 * to know of it. The target is private to the case, so cleanup discards it whole (the emulator, the data dir).
 */
export function complianceSubject(
  // eslint-disable-next-line @typescript-eslint/no-explicit-any -- the suite runs against any provider's registration.
  registration: ProviderRegistration<any, any, any>,
  spawnable: { instanceType: string; region: string },
  image: string | null,
  cleanup: () => Promise<void>,
): ComputeSubject {
  return {
    provider: registration.provider,
    hooks: registration.hooks,
    chaos: registration.chaos ?? null,
    contracts: registration.contracts ?? [],
    spawnable,
    image,
    owner: COMPLIANCE_OWNER,
    foreignOwner: COMPLIANCE_FOREIGN_OWNER,
    cleanup,
  };
}
