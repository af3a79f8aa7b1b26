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
import { http, startTestGateway, type TestGateway } from './gateway-harness.js';

const basic = (user: string, password: string): Record<string, string> => ({ authorization: `Basic ${Buffer.from(`${user}:${password}`).toString('base64')}` });

describe('HTTP authentication and ACLs', () => {
  let b: TestBroker;
  let gw: TestGateway;
  before(async () => {
    // The gateway reaches the broker over the loopback PLAINTEXT listener as a super user; clients
    // of the Kafka protocol come through the SASL listener.
    b = await startTestBroker({
      config: {
        listeners: 'PLAINTEXT://127.0.0.1:0,SASL_PLAINTEXT://127.0.0.1:0',
        'authorizer.class.name': 'org.apache.kafka.metadata.authorizer.StandardAuthorizer',
        'super.users': 'User:admin;User:ANONYMOUS',
        'group.initial.rebalance.delay.ms': '0',
      },
    });
    const m = scramMechanism('SCRAM-SHA-256')!;
    const users = await Promise.all(['admin', 'alice', 'bob'].map(async (user) => ({ user, mechanism: m.name, credential: await createCredential(m, `${user}-pw`) })));
    await b.broker.state.security.credentials.change(users, []);
    const allow = (operation: number, resourceType: number, resourceName: string) => ({ resourceType, resourceName, patternType: PatternType.LITERAL, principal: 'User:alice', host: '*', operation, permission: Permission.ALLOW });
    await b.broker.state.security.acls.add([allow(Operation.READ, ResourceType.TOPIC, 'orders'), allow(Operation.READ, ResourceType.GROUP, 'alice-app')]);
    const security = new HttpSecurityView(b.broker.state.security, b.broker.state.authorizer, b.broker.listeners().map((l) => l.protocol));
    gw = await startTestGateway({ security }, b);
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
