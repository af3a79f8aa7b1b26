// Principals as Kafka names them ("User:<name>"), and the name of a TLS client: the subject of its
// certificate in RFC 2253 form ("CN=alice,OU=eng,O=Example"), as Java's X500Principal.getName()
// writes it, passed through ssl.principal.mapping.rules (Kafka's SslPrincipalMapper, KIP-371):
//   RULE:<java regex>/<replacement>/[L|U]   the first rule whose pattern matches the whole DN
//                                          rewrites it ($1.. refer to groups), L/U change case;
//   DEFAULT                                 the DN unchanged.
// A DN no rule matches cannot authenticate (as in Kafka).
import type { X509Certificate } from 'node:crypto';
import { ConfigError } from '../config/broker-config.js';

export const ANONYMOUS_PRINCIPAL = 'User:ANONYMOUS';

export function userPrincipal(name: string): string {
  return `User:${name}`;
}

/** RFC 2253 subject: Node lists RDNs one per line, most significant first (already escaped); 2253 reverses them. */
export function rfc2253Subject(cert: X509Certificate): string {
  return cert.subject
    .split('\n')
    .filter((l) => l !== '')
    .reverse()
    .join(',');
}

type Rule = { kind: 'default' } | { kind: 'rule'; pattern: RegExp; replacement: string; caseChange: '' | 'L' | 'U' };

const RULE = /\s*(?:(DEFAULT)|RULE:((?:\\.|[^\\/])*)\/((?:\\.|[^\\/])*)\/([LU]?))\s*(?:,|$)/y;

export class PrincipalMapper {
  private readonly rules: Rule[];

  constructor(rulesText: string) {
    this.rules = [];
    RULE.lastIndex = 0;
    const text = rulesText.trim();
    while (RULE.lastIndex < text.length) {
      const at = RULE.lastIndex;
      const m = RULE.exec(text);
      if (!m) throw new ConfigError(`ssl.principal.mapping.rules: cannot read a rule at "${text.slice(at)}"`);
      if (m[1]) this.rules.push({ kind: 'default' });
      else {
        let pattern: RegExp;
        try {
          pattern = new RegExp(`^(?:${m[2]!})$`);
        } catch (e) {
          throw new ConfigError(`ssl.principal.mapping.rules: bad pattern ${m[2]!} (${e instanceof Error ? e.message : String(e)})`);
        }
        this.rules.push({ kind: 'rule', pattern, replacement: m[3]!, caseChange: (m[4] ?? '') as '' | 'L' | 'U' });
      }
    }
    if (this.rules.length === 0) this.rules.push({ kind: 'default' });
  }

  /** The principal name for a DN, or null when no rule matches. */
  map(dn: string): string | null {
    for (const rule of this.rules) {
      if (rule.kind === 'default') return dn;
      if (!rule.pattern.test(dn)) continue;
      const out = dn.replace(rule.pattern, rule.replacement);
      return rule.caseChange === 'L' ? out.toLowerCase() : rule.caseChange === 'U' ? out.toUpperCase() : out;
    }
    return null;
  }
}
