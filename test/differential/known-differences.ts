// The differences between Brook's and Kafka's answers that are by design, each with its reason.
// docs/compatibility.md says the same to users; a difference not listed here fails the
// differential tests, so every new one is either fixed or written down in both places.
import type { Difference } from './normalise.js';

interface Known {
  api: string;
  /** Matches the difference's path (see normalise.ts's differences()). */
  path: RegExp;
  reason: string;
}

export const KNOWN_DIFFERENCES: readonly Known[] = [];

/** The reason a difference is expected, or null when it is not a known one. */
export function explain(api: string, d: Difference): string | null {
  return KNOWN_DIFFERENCES.find((k) => k.api === api && k.path.test(d.path))?.reason ?? null;
}
