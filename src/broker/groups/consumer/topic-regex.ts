// Regular-expression subscriptions evaluated on the broker (KIP-848): a member subscribes with a
// pattern and the coordinator resolves it against the topic names. Kafka evaluates them with RE2J;
// Brook uses re2js, the JavaScript port of RE2J, so the syntax accepted and the topics matched are
// Kafka's (a whole-name match), and matching takes linear time whatever the pattern: a user's
// pattern can never stall the broker the way a backtracking JS RegExp can.
import { RE2JS, RE2JSException, RE2JSSyntaxException } from 're2js';

/** Why the pattern is not valid RE2 syntax (INVALID_REGULAR_EXPRESSION), or null when it is. */
export function regexError(pattern: string): string | null {
  try {
    RE2JS.compile(pattern);
    return null;
  } catch (e) {
    // Kafka reports RE2J's description ("missing closing )"); re2js has the same.
    if (e instanceof RE2JSSyntaxException) return e.getDescription();
    if (e instanceof RE2JSException) return e.message;
    return String(e);
  }
}

/** The topics each pattern matches in full; a pattern that does not compile matches nothing. */
export function resolveRegexes(patterns: Iterable<string>, topicNames: Iterable<string>): Map<string, Set<string>> {
  const compiled: { pattern: string; re: RE2JS }[] = [];
  const out = new Map<string, Set<string>>();
  for (const pattern of patterns) {
    out.set(pattern, new Set());
    try {
      compiled.push({ pattern, re: RE2JS.compile(pattern) });
    } catch {
      // Kafka logs and ignores it; it was validated when first subscribed.
    }
  }
  if (compiled.length === 0) return out;
  for (const name of topicNames) {
    for (const { pattern, re } of compiled) if (re.matches(name)) out.get(pattern)!.add(name);
  }
  return out;
}
