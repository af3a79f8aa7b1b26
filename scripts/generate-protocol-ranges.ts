// Version ranges of the Kafka message definitions ("0+", "3-7", "none") and the TypeScript
// conditions on the version `v` that the generated code tests. Conditions are simplified against the
// versions in which a struct can occur, so a field present in all of them needs no test at all.
export const MAX = 0x7fff; // "n+" upper bound
export type Range = readonly [number, number] | null;

export function parseRange(s: string | undefined): Range {
  if (s === undefined || s === 'none') return null;
  const plus = /^(\d+)\+$/.exec(s);
  if (plus) return [Number(plus[1]), MAX];
  const span = /^(\d+)-(\d+)$/.exec(s);
  if (span) return [Number(span[1]), Number(span[2])];
  if (/^\d+$/.test(s)) return [Number(s), Number(s)];
  throw new Error(`bad version range ${s}`);
}
export function intersect(a: Range, b: Range): Range {
  if (!a || !b) return null;
  const lo = Math.max(a[0], b[0]);
  const hi = Math.min(a[1], b[1]);
  return lo <= hi ? [lo, hi] : null;
}
/** `a` minus `b`, which must leave one range (tagged versions are a suffix of a field's versions). */
export function subtract(a: Range, b: Range): Range {
  if (!a) return null;
  if (!b) return a;
  if (b[0] <= a[0] && b[1] >= a[1]) return null;
  if (b[0] > a[0] && b[1] >= a[1]) return [a[0], b[0] - 1];
  if (b[0] <= a[0] && b[1] < a[1]) return [b[1] + 1, a[1]];
  throw new Error('tagged versions split a field range in two');
}
/** A condition on `v` true exactly for `r` within `ctx`: 'true', 'false' or an expression. */
export function cond(r: Range, ctx: Range): string {
  const x = intersect(r, ctx);
  if (!x || !ctx) return 'false';
  const parts: string[] = [];
  if (x[0] > ctx[0]) parts.push(`v >= ${x[0]}`);
  if (x[1] < ctx[1]) parts.push(`v <= ${x[1]}`);
  return parts.length === 0 ? 'true' : parts.join(' && ');
}
export const guard = (c: string, stmt: string): string => (c === 'true' ? stmt : `if (${c}) ${stmt}`);
export const pick = (c: string, yes: string, no: string): string =>
  c === 'true' ? yes : c === 'false' ? no : `(${c} ? ${yes} : ${no})`;
