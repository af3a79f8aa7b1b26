// A Kafka client's security settings, written as Kafka's clients take them (the properties file of
// `kafka-console-producer.sh --command-config`, a librdkafka config), turned into ClientOptions' sasl/tls:
//
//   security.protocol   PLAINTEXT (default), SSL, SASL_PLAINTEXT, SASL_SSL
//   sasl.mechanism      PLAIN, SCRAM-SHA-256, SCRAM-SHA-512
//   sasl.username, sasl.password (librdkafka's names), or sasl.jaas.config
//                       `<LoginModule> required username="..." password="...";` (the Java client's form)
//   ssl.ca.location (librdkafka), ssl.truststore.location / ssl.truststore.certificates with
//                       ssl.truststore.type=PEM (Java): the CAs to trust; none: the system's CAs
//   ssl.certificate.location + ssl.key.location (librdkafka), ssl.keystore.location with
//                       ssl.keystore.type=PEM, or ssl.keystore.key + ssl.keystore.certificate.chain (Java):
//                       a client certificate for mutual TLS; ssl.key.password for an encrypted key
//   ssl.endpoint.identification.algorithm  https (default) checks the broker's host name; empty skips it
//
// Only PEM is read: Node has no JKS reader and takes no trust anchors from PKCS#12. Every problem is one
// sentence (ClientSecurityError) naming the key. Keys this module does not know are left to the caller.
import { readFileSync } from 'node:fs';
import type { ClientOptions, ClientSasl, ClientTls } from './options.js';

export type ClientSecurity = Pick<ClientOptions, 'sasl' | 'tls'>;

export class ClientSecurityError extends Error {
  override readonly name = 'ClientSecurityError';
}

const PROTOCOLS = ['PLAINTEXT', 'SSL', 'SASL_PLAINTEXT', 'SASL_SSL'] as const;
const MECHANISMS: readonly ClientSasl['mechanism'][] = ['PLAIN', 'SCRAM-SHA-256', 'SCRAM-SHA-512'];
const PEM_BLOCK = /-----BEGIN ([A-Z0-9 ]+)-----[\s\S]*?-----END \1-----/g;

/** `readFile` is injectable for tests; it reads a PEM file named by a *.location key. */
export function clientSecurityFromProperties(props: Readonly<Record<string, string>>, readFile: (path: string) => string = (p) => readFileSync(p, 'utf8')): ClientSecurity {
  const get = (key: string): string | undefined => {
    const v = props[key]?.trim();
    return v === undefined || v === '' ? undefined : v;
  };
  const protocol = (get('security.protocol') ?? 'PLAINTEXT').toUpperCase();
  if (!(PROTOCOLS as readonly string[]).includes(protocol)) throw new ClientSecurityError(`security.protocol must be one of ${PROTOCOLS.join(', ')}, not "${protocol}".`);
  const usesSasl = protocol.startsWith('SASL_');
  const usesTls = protocol.endsWith('SSL');
  const saslKeys = ['sasl.mechanism', 'sasl.username', 'sasl.password', 'sasl.jaas.config'].filter((k) => get(k) !== undefined);
  if (!usesSasl && saslKeys.length > 0) throw new ClientSecurityError(`${saslKeys[0]} is set but security.protocol is ${protocol}; use SASL_PLAINTEXT or SASL_SSL.`);
  const read = (key: string): string => {
    const path = get(key)!;
    try {
      return readFile(path);
    } catch (e) {
      throw new ClientSecurityError(`${key}=${path} cannot be read (${e instanceof Error ? e.message : String(e)}).`);
    }
  };
  return { ...(usesSasl ? { sasl: saslFrom(get) } : {}), ...(usesTls ? { tls: tlsFrom(get, read, props) } : {}) };
}

function saslFrom(get: (key: string) => string | undefined): ClientSasl {
  const mechanism = (get('sasl.mechanism') ?? '').toUpperCase();
  if (!MECHANISMS.includes(mechanism as ClientSasl['mechanism'])) {
    throw new ClientSecurityError(`sasl.mechanism must be one of ${MECHANISMS.join(', ')}${mechanism === '' ? '' : `, not "${mechanism}"`}.`);
  }
  const jaas = get('sasl.jaas.config');
  const fromJaas = jaas !== undefined ? jaasCredentials(jaas) : undefined;
  const username = get('sasl.username') ?? fromJaas?.username;
  const password = get('sasl.password') ?? fromJaas?.password;
  if (username === undefined || password === undefined) throw new ClientSecurityError(`sasl.mechanism=${mechanism} needs sasl.username and sasl.password (or sasl.jaas.config with username and password).`);
  return { mechanism: mechanism as ClientSasl['mechanism'], username, password };
}

/** username="..." and password="..." of a JAAS line (`\"` and `\\` escapes inside the quotes). */
function jaasCredentials(jaas: string): { username?: string; password?: string } {
  if (!/^\s*[\w.$]+\s+(required|requisite|sufficient|optional)\b/.test(jaas)) {
    throw new ClientSecurityError('sasl.jaas.config must read `<LoginModule class> required username="..." password="...";`.');
  }
  const out: { username?: string; password?: string } = {};
  for (const m of jaas.matchAll(/(\w+)\s*=\s*"((?:[^"\\]|\\.)*)"/g)) {
    const value = m[2]!.replace(/\\(.)/g, '$1');
    if (m[1] === 'username') out.username = value;
    else if (m[1] === 'password') out.password = value;
  }
  return out;
}

function pemBlocks(text: string, kind: (label: string) => boolean): string[] {
  return [...text.matchAll(PEM_BLOCK)].filter((m) => kind(m[1]!)).map((m) => m[0]);
}

function tlsFrom(get: (key: string) => string | undefined, read: (key: string) => string, raw: Readonly<Record<string, string>>): ClientTls {
  const tls: ClientTls = {};
  for (const typeKey of ['ssl.truststore.type', 'ssl.keystore.type']) {
    const type = get(typeKey);
    if (type !== undefined && type.toUpperCase() !== 'PEM') throw new ClientSecurityError(`${typeKey}=${type} is not supported: give PEM files (Node reads neither JKS nor trust anchors from PKCS#12).`);
  }
  const caText = get('ssl.truststore.certificates') ?? (get('ssl.ca.location') !== undefined ? read('ssl.ca.location') : get('ssl.truststore.location') !== undefined ? read('ssl.truststore.location') : undefined);
  if (caText !== undefined) {
    const cas = pemBlocks(caText, (l) => l === 'CERTIFICATE');
    if (cas.length === 0) throw new ClientSecurityError('the CA file or ssl.truststore.certificates holds no PEM certificate.');
    tls.ca = cas.join('\n');
  }
  const keystore = get('ssl.keystore.location') !== undefined ? read('ssl.keystore.location') : undefined;
  const certText = get('ssl.keystore.certificate.chain') ?? (get('ssl.certificate.location') !== undefined ? read('ssl.certificate.location') : keystore);
  const keyText = get('ssl.keystore.key') ?? (get('ssl.key.location') !== undefined ? read('ssl.key.location') : keystore);
  if (certText !== undefined || keyText !== undefined) {
    const certs = certText === undefined ? [] : pemBlocks(certText, (l) => l === 'CERTIFICATE');
    const keys = keyText === undefined ? [] : pemBlocks(keyText, (l) => l.includes('PRIVATE KEY'));
    if (certs.length === 0 || keys.length !== 1) {
      throw new ClientSecurityError('a client certificate needs one PEM private key and its certificate chain (ssl.keystore.location, ssl.certificate.location + ssl.key.location, or ssl.keystore.key + ssl.keystore.certificate.chain).');
    }
    tls.cert = certs.join('\n');
    tls.key = keys[0]!;
    const password = get('ssl.key.password');
    if (password !== undefined) tls.passphrase = password;
  }
  // Set but empty means "do not check" (Kafka's way to turn the check off), so it is read raw here.
  const algorithm = raw['ssl.endpoint.identification.algorithm']?.trim();
  if (algorithm === '') tls.verifyHostname = false;
  else if (algorithm !== undefined && algorithm.toLowerCase() !== 'https') throw new ClientSecurityError(`ssl.endpoint.identification.algorithm must be https or empty, not "${algorithm}".`);
  return tls;
}
