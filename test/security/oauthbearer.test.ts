// SASL/OAUTHBEARER: unsecured tokens (alg none) from librdkafka's built-in unsecured JWT
// (confluent-kafka, sasl.oauthbearer.config=principal=...) where the broker allows them, and a
// JWKS-validated broker (RS256 and ES256 keys made here with jose, the JWKS in a file) that
// @platformatic/kafka authenticates to with signed tokens; a token with the wrong issuer or audience,
// an expired one, one signed by an unknown key and an unsecured one are all refused.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { exportJWK, generateKeyPair, SignJWT, type CryptoKey } from 'jose';
import { Admin } from '@platformatic/kafka';
import { startTestBroker, type TestBroker } from '../helpers/broker.js';
import { clients, skipUnless } from '../helpers/real-clients.js';
import { expectSuccess, jsonLines, runPython } from '../helpers/processes.js';

let dir: string;
let rsa: { privateKey: CryptoKey };
let ec: { privateKey: CryptoKey };
let jwks: TestBroker;
let unsecured: TestBroker;

before(async () => {
  dir = mkdtempSync(join(tmpdir(), 'brook-oauth-'));
  const r = await generateKeyPair('RS256', { extractable: true });
  const e = await generateKeyPair('ES256', { extractable: true });
  rsa = r;
  ec = e;
  const keys = [{ ...(await exportJWK(r.publicKey)), kid: 'rsa-1', alg: 'RS256', use: 'sig' }, { ...(await exportJWK(e.publicKey)), kid: 'ec-1', alg: 'ES256', use: 'sig' }];
  const file = join(dir, 'jwks.json');
  writeFileSync(file, JSON.stringify({ keys }));
  const common = { listeners: 'SASL_PLAINTEXT://127.0.0.1:0', 'sasl.enabled.mechanisms': 'OAUTHBEARER', 'connection.failed.authentication.delay.ms': '0' };
  jwks = await startTestBroker({
    config: { ...common, 'sasl.oauthbearer.jwks.endpoint.url': `file://${file}`, 'sasl.oauthbearer.expected.issuer': 'https://idp.test', 'sasl.oauthbearer.expected.audience': 'brook' },
  });
  unsecured = await startTestBroker({ config: { ...common, 'brook.sasl.oauthbearer.allow.unsecured': 'true' } });
});
after(async () => {
  await jwks.close();
  await unsecured.close();
  rmSync(dir, { recursive: true, force: true });
});

// argv: bootstrap principal topic
const UNSECURED_PRODUCER = `
import json, sys
from confluent_kafka import Producer
bootstrap, principal, topic = sys.argv[1:4]
errors = []
p = Producer({'bootstrap.servers': bootstrap, 'security.protocol': 'SASL_PLAINTEXT', 'sasl.mechanism': 'OAUTHBEARER',
              'enable.sasl.oauthbearer.unsecure.jwt': True, 'sasl.oauthbearer.config': 'principal=' + principal,
              'error_cb': lambda e: errors.append(e.name()), 'acks': 'all'})
p.produce(topic, value=b'token-authenticated')
left = p.flush(15)
print(json.dumps({'left': left, 'errors': errors}))
`;

test('confluent-kafka with an unsecured token authenticates where the broker allows them, and is refused by the JWKS broker', { skip: skipUnless(clients.confluentKafka(), 'confluent-kafka') }, async () => {
  const ok = await runPython(UNSECURED_PRODUCER, [unsecured.broker.bootstrapOf('SASL_PLAINTEXT'), 'carol', 'oauth-topic'], { limitMs: 60_000 });
  expectSuccess(ok, 'unsecured producer');
  assert.equal(jsonLines<{ left: number }>(ok.stdout)[0]!.left, 0);
  assert.ok(unsecured.logs.some((r) => r.msg === 'SASL authenticated' && r.fields?.principal === 'User:carol' && r.fields?.mechanism === 'OAUTHBEARER'));
  const refused = await runPython(UNSECURED_PRODUCER, [jwks.broker.bootstrapOf('SASL_PLAINTEXT'), 'carol', 'oauth-topic'], { limitMs: 60_000 });
  expectSuccess(refused, 'unsecured producer against the JWKS broker');
  const out = jsonLines<{ left: number; errors: string[] }>(refused.stdout)[0]!;
  assert.equal(out.left, 1);
  assert.ok(out.errors.includes('_AUTHENTICATION'), out.errors.join(','));
  assert.ok(jwks.logs.some((r) => r.msg === 'authentication failed' && /alg none/.test(String(r.fields?.reason))));
});

async function token(key: CryptoKey, alg: string, kid: string, claims: { sub?: string; iss?: string; aud?: string; expSeconds?: number }): Promise<string> {
  const now = Math.floor(Date.now() / 1000);
  return new SignJWT({})
    .setProtectedHeader({ alg, kid })
    .setSubject(claims.sub ?? 'dave')
    .setIssuer(claims.iss ?? 'https://idp.test')
    .setAudience(claims.aud ?? 'brook')
    .setIssuedAt(now)
    .setExpirationTime(now + (claims.expSeconds ?? 300))
    .sign(key);
}

async function tryToken(t: string): Promise<boolean> {
  const admin = new Admin({ clientId: 'oauth', bootstrapBrokers: [jwks.broker.bootstrapOf('SASL_PLAINTEXT')], sasl: { mechanism: 'OAUTHBEARER', token: t }, retries: 0 });
  try {
    await admin.metadata({ topics: [] });
    return true;
  } catch {
    return false;
  } finally {
    await admin.close().catch(() => undefined);
  }
}

test('@platformatic/kafka with tokens checked against a JWKS: RS256 and ES256 accepted; wrong issuer, audience, expired and foreign keys refused', async () => {
  assert.equal(await tryToken(await token(rsa.privateKey, 'RS256', 'rsa-1', {})), true, 'RS256');
  assert.equal(await tryToken(await token(ec.privateKey, 'ES256', 'ec-1', { sub: 'erin' })), true, 'ES256');
  assert.ok(jwks.logs.some((r) => r.msg === 'SASL authenticated' && r.fields?.principal === 'User:erin'));
  assert.equal(await tryToken(await token(rsa.privateKey, 'RS256', 'rsa-1', { iss: 'https://elsewhere' })), false, 'issuer');
  assert.equal(await tryToken(await token(rsa.privateKey, 'RS256', 'rsa-1', { aud: 'other' })), false, 'audience');
  assert.equal(await tryToken(await token(rsa.privateKey, 'RS256', 'rsa-1', { expSeconds: -120 })), false, 'expired');
  const stranger = await generateKeyPair('RS256');
  assert.equal(await tryToken(await token(stranger.privateKey, 'RS256', 'rsa-1', {})), false, 'foreign key');
  const failures = jwks.logs.filter((r) => r.msg === 'authentication failed' && r.fields?.mechanism === 'OAUTHBEARER');
  assert.ok(failures.length >= 4, `${failures.length} audited failures`);
});
