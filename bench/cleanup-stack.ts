/** Cleanups in reverse order of registration; every one runs even when an earlier one throws. */
export class CleanupStack {
  private readonly cleanups: (() => Promise<void> | void)[] = [];

  push(cleanup: () => Promise<void> | void): void {
    this.cleanups.push(cleanup);
  }

  async runAll(): Promise<unknown[]> {
    const errors: unknown[] = [];
    for (let cleanup = this.cleanups.pop(); cleanup; cleanup = this.cleanups.pop()) {
      try {
        await cleanup();
      } catch (error) {
        errors.push(error);
      }
    }
    return errors;
  }
}
