/** Cleanups in reverse order of registration; every one runs even when an earlier one throws. */
export class CleanupStack {
  private readonly cleanups: (() => Promise<void> | void)[] = [];
  private draining: Promise<unknown[]> | undefined;

  push(cleanup: () => Promise<void> | void): void {
    this.cleanups.push(cleanup);
  }

  /** A second caller while a drain is under way (a signal racing the normal path) waits for that drain. */
  runAll(): Promise<unknown[]> {
    this.draining ??= this.drain().finally(() => {
      this.draining = undefined;
    });
    return this.draining;
  }

  private async drain(): Promise<unknown[]> {
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
