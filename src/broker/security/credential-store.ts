// The SCRAM credentials of every user, durable under the data dir, never holding a password:
// `<data-dir>/meta/scram-credentials`, replaced atomically (temp file, fdatasync, rename, fsync of
// meta/) on every change, so a change acknowledged to AlterUserScramCredentials survives a crash.
// UTF-8 JSON, one object:
//
//   { "version": 1,
//     "users": { "alice": { "SCRAM-SHA-256": { "salt": "<base64>", "iterations": 8192,
//                                              "storedKey": "<base64>", "serverKey": "<base64>" } } },
//     "crc32c": 305419896 }          CRC-32C of the UTF-8 JSON without this key
//
// A missing file means no users. A file that does not parse or fails its CRC stops the broker from
// starting: running with nobody able to log in (or with a half-read user list) would be worse.
// Changes are applied in memory first and written in order (one write at a time).
import type { FileSystem } from '../../storage/index.js';
import { MetaFile } from '../../storage/meta-file.js';
import { passwordMatches, scramMechanism, SCRAM_MECHANISMS, type ScramCredential, type ScramMechanismName } from './scram.js';

export const CREDENTIALS_FILE = 'scram-credentials';

interface StoredCredential {
  salt: string;
  iterations: number;
  storedKey: string;
  serverKey: string;
}

interface FileV1 {
  version: 1;
  users: Record<string, Partial<Record<ScramMechanismName, StoredCredential>>>;
}

export class CredentialStore {
  private readonly users = new Map<string, Map<ScramMechanismName, ScramCredential>>();
  private readonly file: MetaFile<FileV1>;
  /** Credentials that live only as long as this process (BrokerSecurity.internalUser): never written, never listed. */
  private readonly processOnly = new Map<string, Map<ScramMechanismName, ScramCredential>>();

  constructor(fs: FileSystem, dataDir: string) {
    this.file = new MetaFile(fs, dataDir, CREDENTIALS_FILE, 'SCRAM credentials');
  }

  get path(): string {
    return this.file.path;
  }

  async load(): Promise<void> {
    const parsed = await this.file.read(1, (body) => (typeof body.users === 'object' && body.users !== null ? null : 'no users object'));
    if (!parsed) return;
    for (const [user, byMechanism] of Object.entries(parsed.users)) {
      const creds = new Map<ScramMechanismName, ScramCredential>();
      for (const [name, c] of Object.entries(byMechanism)) {
        if (!scramMechanism(name) || !c) continue;
        creds.set(name as ScramMechanismName, {
          salt: Buffer.from(c.salt, 'base64'),
          iterations: c.iterations,
          storedKey: Buffer.from(c.storedKey, 'base64'),
          serverKey: Buffer.from(c.serverKey, 'base64'),
        });
      }
      if (creds.size > 0) this.users.set(user, creds);
    }
  }

  get(user: string, mechanism: ScramMechanismName): ScramCredential | undefined {
    return (this.processOnly.get(user) ?? this.users.get(user))?.get(mechanism);
  }

  /** Adds a credential kept in memory only: not in the file, not listed, gone when the process ends. */
  addProcessOnly(user: string, mechanism: ScramMechanismName, credential: ScramCredential): void {
    let creds = this.processOnly.get(user);
    if (!creds) this.processOnly.set(user, (creds = new Map()));
    creds.set(mechanism, credential);
  }

  /** User names with their mechanisms and iteration counts. */
  list(): { user: string; mechanisms: { mechanism: ScramMechanismName; iterations: number }[] }[] {
    return [...this.users.entries()]
      .sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0))
      .map(([user, creds]) => ({ user, mechanisms: [...creds.entries()].map(([mechanism, c]) => ({ mechanism, iterations: c.iterations })) }));
  }

  has(user: string): boolean {
    return this.users.has(user);
  }

  /** Applies upserts and deletions together and resolves once they are durable. */
  async change(upserts: { user: string; mechanism: ScramMechanismName; credential: ScramCredential }[], deletions: { user: string; mechanism: ScramMechanismName }[]): Promise<void> {
    for (const d of deletions) {
      const creds = this.users.get(d.user);
      creds?.delete(d.mechanism);
      if (creds?.size === 0) this.users.delete(d.user);
    }
    for (const u of upserts) {
      let creds = this.users.get(u.user);
      if (!creds) this.users.set(u.user, (creds = new Map()));
      creds.set(u.mechanism, u.credential);
    }
    await this.file.write(this.snapshot());
  }

  /**
   * Checks a user name and password against the stored SCRAM credentials (the strongest mechanism
   * the user has): PLAIN, and every other front door that takes passwords (AMQP PLAIN, HTTP basic).
   */
  async verifyPassword(user: string, password: string): Promise<boolean> {
    const creds = this.processOnly.get(user) ?? this.users.get(user);
    if (!creds) return false;
    for (const m of [...SCRAM_MECHANISMS].reverse()) {
      const c = creds.get(m.name);
      if (c) return passwordMatches(m, c, password);
    }
    return false;
  }

  private snapshot(): FileV1 {
    const users: FileV1['users'] = {};
    for (const [user, creds] of this.users) {
      const out: Partial<Record<ScramMechanismName, StoredCredential>> = {};
      for (const [name, c] of creds) {
        out[name] = { salt: c.salt.toString('base64'), iterations: c.iterations, storedKey: c.storedKey.toString('base64'), serverKey: c.serverKey.toString('base64') };
      }
      users[user] = out;
    }
    return { version: 1, users };
  }
}
