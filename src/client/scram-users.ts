// SCRAM users through the Kafka protocol (KIP-554), which @platformatic/kafka 1.x has no API for:
// DescribeUserScramCredentials and AlterUserScramCredentials sent over the library's own connection
// (share-wire.ts). The password never leaves this process: it is salted here (PBKDF2 with a random
// salt, as Kafka's own admin client does) and only the salted password is sent.
import { pbkdf2, randomBytes } from 'node:crypto';
import type { Admin } from '@platformatic/kafka';
import { apis } from '../protocol/messages/index.js';
import type { AlterUserScramCredentialsRequest } from '../protocol/messages/alter-user-scram-credentials.js';
import { connectionTo, sendRequest } from './share-wire.js';

export type ScramMechanismName = 'SCRAM-SHA-256' | 'SCRAM-SHA-512';
const MECHANISMS: Record<ScramMechanismName, { code: number; hash: 'sha256' | 'sha512'; keyLength: number }> = {
  'SCRAM-SHA-256': { code: 1, hash: 'sha256', keyLength: 32 },
  'SCRAM-SHA-512': { code: 2, hash: 'sha512', keyLength: 64 },
};
const NAMES = new Map(Object.entries(MECHANISMS).map(([name, m]) => [m.code, name as ScramMechanismName]));

export class ScramUserError extends Error {
  override readonly name = 'ScramUserError';
  constructor(
    message: string,
    readonly errorCode: number,
  ) {
    super(message);
  }
}

export interface ScramUser {
  user: string;
  credentials: { mechanism: ScramMechanismName | 'unknown'; iterations: number }[];
}

async function anyBroker(admin: Admin) {
  const metadata = await admin.metadata({ topics: [] });
  const node = [...metadata.brokers.keys()][0];
  if (node === undefined) throw new ScramUserError('no broker in the cluster metadata', -1);
  return connectionTo(admin, node);
}

export async function listScramUsers(admin: Admin, users: string[] | null = null): Promise<ScramUser[]> {
  const response = await sendRequest(await anyBroker(admin), apis.DescribeUserScramCredentials, 0, { users: users?.map((name) => ({ name })) ?? null });
  if (response.errorCode !== 0) throw new ScramUserError(response.errorMessage ?? `DescribeUserScramCredentials failed with Kafka error ${response.errorCode}`, response.errorCode);
  return response.results.map((r) => {
    if (r.errorCode !== 0) throw new ScramUserError(`${r.user}: ${r.errorMessage ?? `Kafka error ${r.errorCode}`}`, r.errorCode);
    return { user: r.user, credentials: r.credentialInfos.map((c) => ({ mechanism: NAMES.get(c.mechanism) ?? 'unknown', iterations: c.iterations })) };
  });
}

function salt(password: string, mechanism: ScramMechanismName, iterations: number): Promise<{ salt: Buffer; saltedPassword: Buffer }> {
  const m = MECHANISMS[mechanism];
  const s = randomBytes(32);
  return new Promise((resolve, reject) =>
    pbkdf2(Buffer.from(password.normalize('NFKC'), 'utf8'), s, iterations, m.keyLength, m.hash, (e, key) => (e ? reject(e) : resolve({ salt: s, saltedPassword: key }))),
  );
}

/** Creates or replaces `user`'s credential for each mechanism. */
export async function upsertScramUser(admin: Admin, user: string, password: string, mechanisms: ScramMechanismName[], iterations: number): Promise<void> {
  // One user per request: Kafka refuses a user named twice in one AlterUserScramCredentials.
  for (const mechanism of mechanisms) {
    const { salt: s, saltedPassword } = await salt(password, mechanism, iterations);
    await alter(admin, { deletions: [], upsertions: [{ name: user, mechanism: MECHANISMS[mechanism].code, iterations, salt: s, saltedPassword }] });
  }
}

export async function deleteScramUser(admin: Admin, user: string, mechanisms: ScramMechanismName[]): Promise<void> {
  for (const mechanism of mechanisms) await alter(admin, { deletions: [{ name: user, mechanism: MECHANISMS[mechanism].code }], upsertions: [] });
}

async function alter(admin: Admin, body: AlterUserScramCredentialsRequest): Promise<void> {
  const response = await sendRequest(await anyBroker(admin), apis.AlterUserScramCredentials, 0, body);
  for (const r of response.results) {
    if (r.errorCode !== 0) throw new ScramUserError(`${r.user}: ${r.errorMessage ?? `Kafka error ${r.errorCode}`}`, r.errorCode);
  }
}
