/**
 * Which region an EC2 id lives in, as far as this process has seen. EC2 ids do not name their
 * region, so without this every look-up would ask each configured region in turn.
 */
export class RegionMemo {
  private readonly regions = new Map<string, string>();

  constructor(private readonly capacity = 50_000) {}

  remember(id: string, region: string): void {
    this.regions.delete(id);
    this.regions.set(id, region);
    // Insertion order makes the first key the least recently remembered one.
    if (this.regions.size > this.capacity) {
      const oldest = this.regions.keys().next().value;
      if (oldest !== undefined) this.regions.delete(oldest);
    }
  }

  /** The regions to ask about `id`: the remembered one first, then the rest in configured order. */
  candidates(id: string, configured: readonly string[]): string[] {
    const known = this.regions.get(id);
    if (known === undefined || !configured.includes(known)) return [...configured];
    return [known, ...configured.filter((region) => region !== known)];
  }
}
