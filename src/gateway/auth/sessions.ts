// Sessions of the HTTP server when authentication is on: a random 256-bit token per login, kept in
// memory only (a restart logs everyone out), idle-expired. The console holds it in an HttpOnly,
// SameSite=Strict cookie (scripts in the page never see it, other sites' requests never carry it);
// API clients send the same kind of token as `Authorization: Bearer` (POST /auth/token).
import { randomBytes } from 'node:crypto';

export const SESSION_COOKIE = 'brook_session';
const IDLE_MS = 8 * 60 * 60 * 1000;
const MAX_SESSIONS = 10_000;

interface Session {
  principal: string;
  lastUsed: number;
}

export class Sessions {
  private readonly byToken = new Map<string, Session>();

  constructor(
    private readonly now: () => number = Date.now,
    readonly idleMs = IDLE_MS,
  ) {}

  create(principal: string): string {
    if (this.byToken.size >= MAX_SESSIONS) this.expire();
    // Still full of live sessions: the oldest goes (Map keeps insertion order).
    if (this.byToken.size >= MAX_SESSIONS) this.byToken.delete(this.byToken.keys().next().value!);
    const token = randomBytes(32).toString('base64url');
    this.byToken.set(token, { principal, lastUsed: this.now() });
    return token;
  }

  /** The session's principal, or null when the token is unknown or expired. */
  principal(token: string): string | null {
    const s = this.byToken.get(token);
    if (!s) return null;
    const at = this.now();
    if (at - s.lastUsed > this.idleMs) {
      this.byToken.delete(token);
      return null;
    }
    s.lastUsed = at;
    return s.principal;
  }

  end(token: string): void {
    this.byToken.delete(token);
  }

  private expire(): void {
    const at = this.now();
    for (const [t, s] of this.byToken) if (at - s.lastUsed > this.idleMs) this.byToken.delete(t);
  }
}

/** The value of one cookie in a Cookie header, or null. */
export function cookieValue(header: string | undefined, name: string): string | null {
  if (!header) return null;
  for (const part of header.split(';')) {
    const eq = part.indexOf('=');
    if (eq > 0 && part.slice(0, eq).trim() === name) return part.slice(eq + 1).trim();
  }
  return null;
}
