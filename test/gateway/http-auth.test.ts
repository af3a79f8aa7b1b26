// HTTP authentication and authorisation with the broker's users and ACLs (security on: a SASL
// listener and the ACL authorizer): no or wrong credentials are 401 with WWW-Authenticate and a
// JSON body; HTTP Basic and bearer tokens carry the broker's users; a user without READ on a topic
// gets 403 (40301) reading it, one with the ACL 200; lists show only describable topics; the
// console's files stay open and its login form sets an HttpOnly, SameSite=Strict session cookie.
// The HTTP port serves TLS from the listener.name.http.ssl.* PEM settings.
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { startTestBroker, type TestBroker } from '../helpers/broker.js';
import { skipWithoutChromium, launchBrowser, type TestBrowser } from '../helpers/browser.js';
import { createCredential, scramMechanism } from '../../src/broker/security/scram.js';
import { Operation, PatternType, Permission, ResourceType } from '../../src/broker/security/acl-model.js';
import { HttpSecurityView, httpTlsOptions } from '../../src/broker/security/http-security-view.js';
import { createTestPki } from '../helpers/certificates.js';
import { readFileSync } from 'node:fs';
import { request as httpsRequest } from 'node:https';
import type { TLSSocket } from 'node:tls';
import { http, startTestGateway, until, type TestGateway } from './gateway-harness.js';
import { AmqpManagementView } from '../../src/broker/amqp/management-view.js';
import { channel, connect } from '../amqp/amqp-helpers.js';

const basic = (user: string, password: string): Record<string, string> => ({ authorization: `Basic ${Buffer.from(`${user}:${password}`).toString('base64')}` });

describe('HTTP authentication and ACLs', () => {
  let b: TestBroker;
  let gw: TestGateway;
  before(async () => {
    // The gateway reaches the broker over the loopback PLAINTEXT listener as a super user; clients
    // of the Kafka protocol come through the SASL listener.
    b = await startTestBroker({
      amqpPort: 0,
      config: {
        listeners: 'PLAINTEXT://127.0.0.1:0,SASL_PLAINTEXT://127.0.0.1:0',
        'authorizer.class.name': 'org.apache.kafka.metadata.authorizer.StandardAuthorizer',
        'super.users': 'User:admin;User:ANONYMOUS',
        'group.initial.rebalance.delay.ms': '0',
        'brook.amqp.vhosts': '/,billing',
      },
    });
    const m = scramMechanism('SCRAM-SHA-256')!;
    const users = await Promise.all(['admin', 'alice', 'bob'].map(async (user) => ({ user, mechanism: m.name, credential: await createCredential(m, `${user}-pw`) })));
    await b.broker.state.security.credentials.change(users, []);
    const allow = (operation: number, resourceType: number, resourceName: string) => ({ resourceType, resourceName, patternType: PatternType.LITERAL, principal: 'User:alice', host: '*', operation, permission: Permission.ALLOW });
    await b.broker.state.security.acls.add([allow(Operation.READ, ResourceType.TOPIC, 'orders'), allow(Operation.READ, ResourceType.GROUP, 'alice-app')]);
    const security = new HttpSecurityView(b.broker.state.security, b.broker.state.authorizer, b.broker.listeners().map((l) => l.protocol));
    gw = await startTestGateway({ security, amqp: new AmqpManagementView(b.broker.amqp!) }, b);
    for (const t of ['orders', 'payments']) {
      const r = await http(gw.url, 'POST', `/v3/clusters/${gw.clusterId}/topics`, { body: { topic_name: t, partitions_count: 1 }, headers: basic('admin', 'admin-pw') });
      assert.equal(r.status, 201, r.text);
    }
    const p = await http(gw.url, 'POST', `/v3/clusters/${gw.clusterId}/topics/orders/records`, { body: { value: { type: 'STRING', data: 'order-1' } }, headers: basic('admin', 'admin-pw') });
    assert.equal(p.status, 200, p.text);
  });
  after(async () => {
    await gw?.close();
  });

  test('no or wrong credentials: 401 with WWW-Authenticate and a JSON body; the console and health stay open', async () => {
    const none = await http(gw.url, 'GET', `/v3/clusters/${gw.clusterId}/topics`);
    assert.equal(none.status, 401);
    assert.match(none.headers['www-authenticate'] ?? '', /^Basic realm="Brook"/);
    assert.deepEqual(none.json, { error_code: 40101, message: 'Authentication required.' });
    const wrong = await http(gw.url, 'GET', `/v3/clusters/${gw.clusterId}/topics`, { headers: basic('alice', 'not-her-password') });
    assert.equal(wrong.status, 401);
    assert.equal((wrong.json as { error_code: number }).error_code, 40101);
    assert.equal((await http(gw.url, 'GET', '/console/api/topics/orders/records?partition=all&from=earliest', { headers: basic('nobody', 'x') })).status, 401);
    assert.equal((await http(gw.url, 'GET', '/')).status, 200);
    assert.equal((await http(gw.url, 'GET', '/health')).status, 200);
    assert.deepEqual((await http(gw.url, 'GET', '/console/api/session')).json, { authRequired: true, principal: null });
    assert.ok(b.logs.some((l) => l.fields.component === 'audit' && l.msg === 'authentication failed' && l.fields.protocol === 'HTTP'), 'the failure is an audit line');
  });

  test('READ on the topic decides consume: 403 (40301) without the ACL, 200 with it; WRITE is separate', async () => {
    const path = '/console/api/topics/orders/records?partition=all&from=earliest';
    const bob = await http(gw.url, 'GET', path, { headers: basic('bob', 'bob-pw') });
    assert.equal(bob.status, 403, bob.text);
    assert.deepEqual(bob.json, { error_code: 40301, message: 'Not authorized to access topics: [orders]' });
    const alice = await http(gw.url, 'GET', path, { headers: basic('alice', 'alice-pw') });
    assert.equal(alice.status, 200, alice.text);
    assert.equal((alice.json as { records: unknown[] }).records.length, 1);
    assert.equal((await http(gw.url, 'GET', '/sse/topics/orders', { headers: basic('bob', 'bob-pw') })).status, 403);
    const produce = await http(gw.url, 'POST', `/v3/clusters/${gw.clusterId}/topics/orders/records`, { body: { value: { type: 'STRING', data: 'x' } }, headers: basic('alice', 'alice-pw') });
    assert.equal(produce.status, 403);
    assert.equal((produce.json as { error_code: number }).error_code, 40301);
    const remove = await http(gw.url, 'DELETE', `/v3/clusters/${gw.clusterId}/topics/orders`, { headers: basic('alice', 'alice-pw') });
    assert.equal(remove.status, 403);
    const reset = await http(gw.url, 'POST', '/console/api/groups/bob-app/reset-offsets', { body: { topic: 'orders', to: 'earliest', dry_run: true }, headers: basic('alice', 'alice-pw') });
    assert.deepEqual([reset.status, (reset.json as { error_code: number }).error_code], [403, 40302]);
    assert.ok(b.logs.some((l) => l.fields.component === 'audit' && l.msg === 'denied' && l.fields.principal === 'User:bob' && l.fields.protocol === 'HTTP'), 'the denial is an audit line');
  });

  test('lists show only what the principal may describe', async () => {
    const names = async (user: string): Promise<string[]> => {
      const r = await http(gw.url, 'GET', `/v3/clusters/${gw.clusterId}/topics`, { headers: basic(user, `${user}-pw`) });
      assert.equal(r.status, 200, r.text);
      return (r.json as { data: { topic_name: string }[] }).data.map((t) => t.topic_name).filter((n) => !n.startsWith('_'));
    };
    assert.deepEqual(await names('alice'), ['orders']);
    assert.deepEqual(await names('bob'), []);
    assert.deepEqual((await names('admin')).sort(), ['orders', 'payments']);
    // Each topic left out is a debug-level audit line (as Metadata's filtering on the Kafka listeners).
    assert.ok(b.logs.some((l) => l.level === 'debug' && l.msg === 'denied' && l.fields.protocol === 'HTTP' && l.fields.filtered === true && l.fields.principal === 'User:bob' && l.fields.name === 'payments'));
  });

  test('a bearer token from /auth/token stands for the user', async () => {
    assert.equal((await http(gw.url, 'POST', '/auth/token', { headers: basic('alice', 'wrong') })).status, 401);
    const issued = await http(gw.url, 'POST', '/auth/token', { headers: basic('alice', 'alice-pw') });
    assert.equal(issued.status, 200, issued.text);
    const token = (issued.json as { access_token: string; token_type: string }).access_token;
    const read = await http(gw.url, 'GET', '/console/api/topics/orders/records?partition=all&from=earliest', { headers: { authorization: `Bearer ${token}` } });
    assert.equal(read.status, 200, read.text);
    assert.equal((await http(gw.url, 'GET', '/console/api/topics/orders/partitions', { headers: { authorization: 'Bearer not-a-token' } })).status, 401);
  });

  test('AMQP management routes map onto the queue ACLs the AMQP listener checks', async () => {
    const conn = await connect(`amqp://admin:admin-pw@127.0.0.1:${b.broker.amqpPort!}`);
    try {
      const ch = await channel(conn);
      for (const q of ['alice-q', 'other-q']) {
        await ch.assertQueue(q, { durable: true });
        ch.sendToQueue(q, Buffer.from('m'));
      }
      await ch.close();
    } finally {
      await conn.close();
    }
    const queue = (name: string, operation: number) => ({ resourceType: ResourceType.TOPIC, resourceName: `amqp:/:queue:${name}`, patternType: PatternType.LITERAL, principal: 'User:alice', host: '*', operation, permission: Permission.ALLOW });
    await b.broker.state.security.acls.add([queue('alice-q', Operation.DESCRIBE), queue('alice-q', Operation.DELETE)]);
    const names = async (user: string, path: string, key = 'name'): Promise<string[]> => {
      const r = await http(gw.url, 'GET', path, { headers: basic(user, `${user}-pw`) });
      assert.equal(r.status, 200, r.text);
      return (r.json as Record<string, string>[]).map((x) => x[key]!).sort();
    };
    assert.deepEqual(await names('alice', '/api/queues'), ['alice-q']);
    assert.deepEqual(await names('alice', '/api/queues/%2F'), ['alice-q']);
    assert.deepEqual(await names('admin', '/api/queues'), ['alice-q', 'other-q']);
    assert.deepEqual(await names('alice', '/api/bindings', 'destination'), ['alice-q']);
    assert.deepEqual(await names('bob', '/api/queues'), []);
    const other = await http(gw.url, 'GET', '/api/queues/%2F/other-q', { headers: basic('alice', 'alice-pw') });
    assert.deepEqual([other.status, (other.json as { error_code: number }).error_code], [403, 40301]);
    assert.equal((await http(gw.url, 'DELETE', '/api/queues/%2F/other-q/contents', { headers: basic('alice', 'alice-pw') })).status, 403);
    assert.equal((await http(gw.url, 'GET', '/api/queues/%2F/alice-q', { headers: basic('alice', 'alice-pw') })).status, 200);
    assert.equal((await http(gw.url, 'DELETE', '/api/queues/%2F/alice-q/contents', { headers: basic('alice', 'alice-pw') })).status, 204);
    assert.equal((await http(gw.url, 'GET', '/api/queues/%2F/alice-q', { headers: basic('bob', 'bob-pw') })).status, 403);
  });

  test('virtual hosts are listed to whoever could open them over AMQP: some right inside amqp:<vhost>:, super users all', async () => {
    // alice holds rights inside "/" only (a PREFIXED one here, so the test stands alone); bob has none.
    await b.broker.state.security.acls.add([{ resourceType: ResourceType.TOPIC, resourceName: 'amqp:/:queue:alice-', patternType: PatternType.PREFIXED, principal: 'User:alice', host: '*', operation: Operation.READ, permission: Permission.ALLOW }]);
    const vhosts = async (user: string): Promise<{ api: string[]; console: string[] }> => {
      const api = await http(gw.url, 'GET', '/api/vhosts', { headers: basic(user, `${user}-pw`) });
      assert.equal(api.status, 200, api.text);
      const page = await http(gw.url, 'GET', '/console/api/amqp', { headers: basic(user, `${user}-pw`) });
      assert.equal(page.status, 200, page.text);
      return { api: (api.json as { name: string }[]).map((v) => v.name).sort(), console: [...(page.json as { vhosts: string[] }).vhosts].sort() };
    };
    assert.deepEqual(await vhosts('admin'), { api: ['/', 'billing'], console: ['/', 'billing'] });
    assert.deepEqual(await vhosts('alice'), { api: ['/'], console: ['/'] });
    assert.deepEqual(await vhosts('bob'), { api: [], console: [] });
    assert.ok(b.logs.some((l) => l.fields.component === 'audit' && l.fields.filtered === true && l.fields.principal === 'User:bob' && l.fields.name === 'amqp:billing:*'), 'a left-out vhost gets a debug audit line');
  });

  test('a v2 consumer instance is its creator’s: another user in the same group finds no such instance', async () => {
    // bob may read the group but not the topic: through alice's instance he could otherwise poll it.
    await b.broker.state.security.acls.add([{ resourceType: ResourceType.GROUP, resourceName: 'alice-app', patternType: PatternType.LITERAL, principal: 'User:bob', host: '*', operation: Operation.READ, permission: Permission.ALLOW }]);
    const v2 = 'application/vnd.kafka.v2+json';
    const created = await http(gw.url, 'POST', '/consumers/alice-app', { body: { name: 'a1', format: 'binary', 'auto.offset.reset': 'earliest' }, type: v2, headers: basic('alice', 'alice-pw') });
    assert.equal(created.status, 200, created.text);
    const base = '/consumers/alice-app/instances/a1';
    assert.equal((await http(gw.url, 'POST', `${base}/subscription`, { body: { topics: ['orders'] }, type: v2, headers: basic('alice', 'alice-pw') })).status, 204);
    const binary = { accept: 'application/vnd.kafka.binary.v2+json' };
    for (const [method, path] of [['GET', `${base}/records`], ['GET', `${base}/subscription`], ['DELETE', base]] as const) {
      const bob = await http(gw.url, method, path, { headers: { ...basic('bob', 'bob-pw'), ...binary } });
      assert.deepEqual([bob.status, (bob.json as { error_code: number }).error_code], [404, 40403], `${method} ${path}: ${bob.text}`);
    }
    const records = await until('alice reads her instance', async () => {
      const r = await http(gw.url, 'GET', `${base}/records`, { headers: { ...basic('alice', 'alice-pw'), ...binary } });
      assert.equal(r.status, 200, r.text);
      const list = r.json as { value: unknown }[];
      return list.length > 0 ? list : undefined;
    });
    assert.equal(Buffer.from(String(records[0]?.value), 'base64').toString(), 'order-1');
    assert.equal((await http(gw.url, 'DELETE', base, { headers: basic('alice', 'alice-pw') })).status, 204);
  });

  describe('the console', { skip: skipWithoutChromium() }, () => {
    let browser: TestBrowser;
    before(async () => {
      browser = await launchBrowser();
    });
    after(async () => {
      await browser?.close();
    });
    test('log in (a wrong password is refused), see what the user may, log out', async () => {
      const page = await browser.page();
      await page.goto(`${gw.url}/#/topics`);
      const form = page.getByRole('region', { name: 'Log in to Brook' });
      await form.getByLabel('User name').fill('alice');
      await form.getByLabel('Password').fill('wrong');
      await form.getByRole('button', { name: 'Log in' }).click();
      await form.getByRole('alert').filter({ hasText: 'invalid user name or password' }).waitFor();
      await form.getByLabel('Password').fill('alice-pw');
      await form.getByRole('button', { name: 'Log in' }).click();
      await page.locator('[data-testid=principal]').filter({ hasText: 'User:alice' }).waitFor();
      await page.getByRole('link', { name: 'orders' }).waitFor();
      assert.equal(await page.getByRole('link', { name: 'payments' }).count(), 0, 'a topic alice may not describe is not listed');
      const cookie = (await page.context().cookies()).find((c) => c.name === 'brook_session');
      assert.ok(cookie, 'a session cookie');
      assert.equal(cookie.httpOnly, true);
      assert.equal(cookie.sameSite, 'Strict');
      assert.equal(await page.evaluate('document.cookie'), '', 'scripts cannot read it');
      await page.getByRole('button', { name: 'Log out' }).click();
      await page.getByRole('region', { name: 'Log in to Brook' }).waitFor();
      assert.equal((await page.context().cookies()).find((c) => c.name === 'brook_session' && c.value !== ''), undefined);
      await page.close();
    });
  });
});

describe('HTTPS on the gateway port', () => {
  test('listener.name.http.ssl.keystore.location serves the gateway over TLS 1.2+', async () => {
    const pki = createTestPki();
    const b = await startTestBroker({ config: { 'listener.name.http.ssl.keystore.location': pki.serverKeystore } });
    const tls = httpTlsOptions(b.broker.state.config);
    assert.ok(tls, 'the HTTP keystore turns TLS on');
    const gw = await startTestGateway({ tls }, b);
    try {
      assert.match(gw.url, /^https:\/\//);
      const answer = await new Promise<{ status: number; protocol: string }>((resolve, reject) => {
        const req = httpsRequest(`${gw.url}/health`, { ca: readFileSync(pki.caCert) }, (res) => {
          res.resume();
          resolve({ status: res.statusCode ?? 0, protocol: (res.socket as TLSSocket).getProtocol() ?? '' });
        });
        req.on('error', reject);
        req.end();
      });
      assert.equal(answer.status, 200);
      assert.match(answer.protocol, /^TLSv1\.[23]$/);
      // Plain HTTP on the TLS port gets no answer from the API.
      await assert.rejects(fetch(`${gw.url.replace('https', 'http')}/health`).then((r) => r.text()));
    } finally {
      await gw.close();
      pki.remove();
    }
  });
});
