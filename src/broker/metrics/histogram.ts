// A fixed-bucket histogram family keyed by a small integer (an API key): counts live in one
// Float64Array, so observing is a bucket search and two additions — no allocation, no map
// lookup — cheap enough for every request on the hot path.

export class KeyedHistogram {
  private readonly counts: Float64Array;
  private readonly sums: Float64Array;
  private readonly totals: Float64Array;

  constructor(
    readonly bounds: readonly number[],
    readonly keys: number,
  ) {
    this.counts = new Float64Array(keys * bounds.length);
    this.sums = new Float64Array(keys);
    this.totals = new Float64Array(keys);
  }

  observe(key: number, value: number): void {
    if (key < 0 || key >= this.keys) return;
    const b = this.bounds;
    let i = 0;
    while (i < b.length && value > b[i]!) i++;
    if (i < b.length) this.counts[key * b.length + i]! += 1;
    this.sums[key]! += value;
    this.totals[key]! += 1;
  }

  count(key: number): number {
    return this.totals[key] ?? 0;
  }

  /** Prometheus histogram lines (cumulative buckets, +Inf, _sum, _count) for one key. */
  render(name: string, labels: string, key: number): string {
    const b = this.bounds;
    let out = '';
    let cumulative = 0;
    for (let i = 0; i < b.length; i++) {
      cumulative += this.counts[key * b.length + i]!;
      out += `${name}_bucket{${labels}${labels ? ',' : ''}le="${b[i]}"} ${cumulative}\n`;
    }
    out += `${name}_bucket{${labels}${labels ? ',' : ''}le="+Inf"} ${this.totals[key]}\n`;
    const braces = labels === '' ? '' : `{${labels}}`;
    out += `${name}_sum${braces} ${this.sums[key]}\n`;
    out += `${name}_count${braces} ${this.totals[key]}\n`;
    return out;
  }
}
