// Honest by construction: every non-2xx, error, timeout or failed check is counted, and any count fails the run.

export class Failures {
  private count = 0;
  private readonly examples: string[] = [];

  add(what: string, times = 1): void {
    if (times <= 0) return;
    this.count += times;
    if (this.examples.length < 10) this.examples.push(times > 1 ? `${what} (x${times})` : what);
  }

  get total(): number {
    return this.count;
  }

  /** Throws if anything failed so far; called after every measured phase. */
  throwIfAny(phase: string): void {
    if (this.count === 0) return;
    throw new Error(`${this.count} failed request(s) or check(s), the last phase being ${phase}:\n${this.examples.map((example) => `  - ${example}`).join('\n')}`);
  }
}
