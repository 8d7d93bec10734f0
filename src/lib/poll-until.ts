/** Polls `check` until it answers a value that is not undefined; fails after `timeoutMs` naming what it waited for. */
export async function pollUntil<T>(what: string, check: () => Promise<T | undefined>, timeoutMs = 10_000, everyMs = 10): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const value = await check();
    if (value !== undefined) return value;
    if (Date.now() > deadline) throw new Error(`timed out after ${timeoutMs} ms waiting for ${what}`);
    await new Promise((resolve) => setTimeout(resolve, everyMs));
  }
}
