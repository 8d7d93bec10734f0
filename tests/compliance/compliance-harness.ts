import type { ProviderContractCase, ProviderRegistration } from '../../src/contracts/index.js';

/** What each provider hands the suite: a fresh, isolated registration, and how to clean it up. */
export interface ComplianceTarget {
  // eslint-disable-next-line @typescript-eslint/no-explicit-any -- the suite runs against any provider's registration.
  registration: ProviderRegistration<any, any, any>;
  /** A valid spawn for this provider: an instance type and region it offers. */
  spawnable: { instanceType: string; region: string };
  /** An image the provider accepts, or null to use its default. */
  image: string | null;
  cleanup(): Promise<void>;
}

export interface ComplianceFactory {
  readonly name: string;
  /**
   * The provider's own contract cases (what its registration hands over as `contracts`), known
   * before the target starts so the suite reports each one as its own test, run or skipped with why.
   */
  readonly contractCases: readonly ProviderContractCase[];
  create(): Promise<ComplianceTarget>;
}
