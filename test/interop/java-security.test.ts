// Security with the unmodified Apache Kafka Java client (kafka-clients): the security.* scenarios of interop/java
// (SecurityScenarios) against a secured broker with three listeners:
//   PLAINTEXT  the operator's door (User:ANONYMOUS is a super user): users are made through it with `brook user`
//   SASL_SSL   PLAIN and SCRAM-SHA-512
//   SSL        ssl.client.auth=required; the certificate's CN is the principal (ssl.principal.mapping.rules)
// with StandardAuthorizer and super.users=User:ANONYMOUS;User:alice; mallory has a password and no ACL.
//
// Under Brook (the default pass) the broker is an in-process Brook; under BROOK_TEST_TARGET=kafka it is a real
// Apache Kafka started for this file with the same listeners and settings in Kafka's own config names (PEM keystore
// and truststore, KIP-651), so every scenario is checked against both. The one difference is where PLAIN's
// passwords come from: Kafka's PlainLoginModule reads them from its JAAS line, Brook checks them against the SCRAM
// credentials `brook user create` stored.
import { before, after } from 'node:test';
import { startTestBroker, type TestBroker } from '../helpers/broker.js';
import { createTestPki, type TestPki } from '../helpers/certificates.js';
import { startKafkaBroker, TEST_BROKER_CONFIG, type KafkaBroker } from '../helpers/kafka-broker.js';
import { expectSuccess } from '../helpers/processes.js';
import { onKafka } from '../helpers/target.js';
import { brook } from '../cli/cli-harness.js';
import { interopTests, type ScenarioTarget } from './interop-suite.js';

const SCENARIOS = [
  'security.sasl-ssl-scram-sha-512',
  'security.sasl-ssl-plain',
  'security.wrong-password',
  'security.mtls',
  'security.acl-denied',
  'security.admin-acl-scram-user',
];

const USERS = { alice: 'alice-secret', mallory: 'mallory-secret' } as const;
const TLS_CLIENT = 'interop-tls';

let pki: TestPki | undefined;
before(() => {
  pki = createTestPki({ [TLS_CLIENT]: `/O=Brook Test/CN=${TLS_CLIENT}` });
});
after(() => pki?.remove());

/** The settings both brokers take, in Kafka's names. */
function securityConfig(p: TestPki): Record<string, string> {
  return {
    'ssl.keystore.type': 'PEM',
    'ssl.keystore.location': p.serverKeystore,
    'ssl.truststore.type': 'PEM',
    'ssl.truststore.location': p.caCert,
    'listener.name.ssl.ssl.client.auth': 'required',
    'ssl.principal.mapping.rules': 'RULE:^CN=([^,]+),.*$/$1/,DEFAULT',
    'sasl.enabled.mechanisms': 'PLAIN,SCRAM-SHA-512',
    'authorizer.class.name': 'org.apache.kafka.metadata.authorizer.StandardAuthorizer',
    'super.users': 'User:ANONYMOUS;User:alice',
    'group.initial.rebalance.delay.ms': '0',
  };
}

interface Listeners {
  plaintext: string;
  saslSsl: string;
  ssl: string;
  close(): Promise<void>;
}

async function startBrook(p: TestPki): Promise<Listeners> {
  const b: TestBroker = await startTestBroker({
    config: { listeners: 'PLAINTEXT://127.0.0.1:0,SASL_SSL://127.0.0.1:0,SSL://127.0.0.1:0', ...securityConfig(p) },
  });
  return { plaintext: b.broker.bootstrapOf('PLAINTEXT'), saslSsl: b.broker.bootstrapOf('SASL_SSL'), ssl: b.broker.bootstrapOf('SSL'), close: () => b.close() };
}

async function startKafka(p: TestPki): Promise<Listeners> {
  const plainUsers = Object.entries(USERS).map(([u, pw]) => `user_${u}="${pw}"`).join(' ');
  const k: KafkaBroker = await startKafkaBroker({
    extraListeners: ['SASL_SSL', 'SSL'],
    config: {
      ...TEST_BROKER_CONFIG,
      ...securityConfig(p),
      'listener.name.sasl_ssl.plain.sasl.jaas.config': `org.apache.kafka.common.security.plain.PlainLoginModule required ${plainUsers};`,
      'listener.name.sasl_ssl.scram-sha-512.sasl.jaas.config': 'org.apache.kafka.common.security.scram.ScramLoginModule required;',
    },
  });
  return { plaintext: k.bootstrap, saslSsl: k.bootstrapOf('SASL_SSL'), ssl: k.bootstrapOf('SSL'), close: () => k.stop() };
}

/**
 * Makes the users through the PLAINTEXT listener (AlterUserScramCredentials, on either broker), then waits until
 * alice can log in over SASL_SSL: Kafka applies a new credential from its metadata log a moment after answering.
 */
async function makeUsers(l: Listeners, p: TestPki): Promise<void> {
  for (const [user, password] of Object.entries(USERS)) {
    expectSuccess(await brook(l.plaintext, ['user', 'create', user, '--password', password, '--mechanism', 'SCRAM-SHA-512']), `user create ${user}`);
  }
  const asAlice = { BROOK_SASL_MECHANISM: 'SCRAM-SHA-512', BROOK_SASL_USERNAME: 'alice', BROOK_SASL_PASSWORD: USERS.alice, BROOK_TLS_CA: p.caCert };
  for (let attempt = 1; ; attempt++) {
    const r = await brook(l.saslSsl, ['topic', 'list'], { env: asAlice });
    if (r.code === 0) return;
    if (attempt >= 30) expectSuccess(r, 'alice logs in over SASL_SSL');
    await new Promise((resolve) => setTimeout(resolve, 500));
  }
}

async function securedTarget(): Promise<ScenarioTarget> {
  const p = pki!;
  const l = onKafka ? await startKafka(p) : await startBrook(p);
  try {
    await makeUsers(l, p);
  } catch (e) {
    await l.close();
    throw e;
  }
  return {
    bootstrap: l.saslSsl,
    env: {
      BROOK_INTEROP_SASL_SSL: l.saslSsl,
      BROOK_INTEROP_MTLS: l.ssl,
      BROOK_INTEROP_TLS_CA: p.caCert,
      BROOK_INTEROP_TLS_KEYSTORE: p.client(TLS_CLIENT).keystore,
      BROOK_INTEROP_TLS_PRINCIPAL: `User:${TLS_CLIENT}`,
      BROOK_INTEROP_SUPER_USER: 'alice',
      BROOK_INTEROP_SUPER_PASSWORD: USERS.alice,
      BROOK_INTEROP_USER: 'mallory',
      BROOK_INTEROP_USER_PASSWORD: USERS.mallory,
    },
    close: () => l.close(),
  };
}

interopTests('java', SCENARIOS, { covers: (s) => s.startsWith('security.'), target: securedTarget });
