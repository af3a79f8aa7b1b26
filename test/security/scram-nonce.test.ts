// The SCRAM client-final nonce as Kafka's ScramSaslServer takes it: any nonce that ends with the combined
// nonce of the server-first message (client nonce + server nonce). librdkafka up to 2.x sends its client
// nonce again in front of it and authenticates with Kafka; it does here too. A nonce without the server's
// part, or with it changed, is refused.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { createHash, createHmac, randomBytes } from 'node:crypto';
import { createCredential, saltPassword, scramMechanism, ScramServerExchange } from '../../src/broker/security/scram.js';

const m = scramMechanism('SCRAM-SHA-256')!;
const hmac = (key: Buffer, data: string) => createHmac(m.hash, key).update(data).digest();

/** One SCRAM exchange where the client writes `finalNonce(combined, clientNonce)` into its final message. */
async function authenticate(finalNonce: (combined: string, clientNonce: string) => string): Promise<string | null> {
  const credential = await createCredential(m, 'pw');
  const server = new ScramServerExchange(m, (u) => (u === 'alice' ? credential : undefined), randomBytes(32));
  const clientNonce = randomBytes(12).toString('base64');
  const clientFirstBare = `n=alice,r=${clientNonce}`;
  const first = await server.evaluate(Buffer.from(`n,,${clientFirstBare}`));
  const serverFirst = first.response.toString();
  const combined = /r=([^,]+)/.exec(serverFirst)![1]!;
  const salt = Buffer.from(/s=([^,]+)/.exec(serverFirst)![1]!, 'base64');
  const iterations = Number(/i=(\d+)/.exec(serverFirst)![1]);
  const withoutProof = `c=${Buffer.from('n,,').toString('base64')},r=${finalNonce(combined, clientNonce)}`;
  const salted = await saltPassword(m, 'pw', salt, iterations);
  const clientKey = hmac(salted, 'Client Key');
  const signature = hmac(createHash(m.hash).update(clientKey).digest(), `${clientFirstBare},${serverFirst},${withoutProof}`);
  const proof = Buffer.from(clientKey.map((b, i) => b ^ signature[i]!));
  try {
    return (await server.evaluate(Buffer.from(`${withoutProof},p=${proof.toString('base64')}`))).user;
  } catch {
    return null;
  }
}

test('SCRAM final nonce: the combined nonce and librdkafka’s repeated-client-nonce form authenticate; a missing or altered server nonce does not', async () => {
  assert.equal(await authenticate((combined) => combined), 'alice', 'RFC 5802 form');
  assert.equal(await authenticate((combined, clientNonce) => clientNonce + combined), 'alice', 'librdkafka 2.0.2 form (Kafka accepts it)');
  assert.equal(await authenticate((_combined, clientNonce) => clientNonce), null, 'the client nonce alone');
  assert.equal(await authenticate((combined) => `${combined}x`), null, 'an altered combined nonce');
  assert.equal(await authenticate((combined) => combined.slice(0, -1)), null, 'a truncated server nonce');
});
