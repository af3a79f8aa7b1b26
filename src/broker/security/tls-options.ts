// TLS server options of one listener from Kafka's ssl.* keys (per listener as
// listener.name.<name>.ssl.*, falling back to the broker-wide key, as Kafka resolves them):
//   keystore  PEM (ssl.keystore.location: one file with the private key and the certificate chain, or
//             ssl.keystore.key + ssl.keystore.certificate.chain as text; ssl.key.password decrypts an
//             encrypted key) or PKCS12 (ssl.keystore.location + ssl.keystore.password);
//   truststore PEM CA certificates (ssl.truststore.location or ssl.truststore.certificates) that client
//             certificates are verified against;
//   versions  ssl.enabled.protocols within TLSv1.2..TLSv1.3: nothing older is ever negotiated;
//   clients   ssl.client.auth: required (no trusted certificate, no handshake), requested (a certificate
//             sent must verify; none is fine), none (none asked for).
// Files are read when the listener starts and again on reload (Broker.reloadTlsCertificates), so
// renewed certificates take effect for new connections without a restart.
import { readFileSync } from 'node:fs';
import { createSecureContext, type TlsOptions } from 'node:tls';
import { ConfigError, type BrokerConfig } from '../config/broker-config.js';

export type ClientAuth = 'required' | 'requested' | 'none';

export interface ListenerTls {
  options: TlsOptions;
  clientAuth: ClientAuth;
}

/** The listener's value of an ssl.* key: listener.name.<name>.<key> first, then <key>. */
export function listenerSetting(config: BrokerConfig, listener: string, key: string): string | null {
  const own = config.staticValue(`listener.name.${listener.toLowerCase()}.${key}`);
  if (own !== undefined) return own;
  return config.get(key);
}

const PEM_BLOCK = /-----BEGIN ([A-Z0-9 ]+)-----[\s\S]*?-----END \1-----/g;

function pemBlocks(text: string, kind: (label: string) => boolean): string[] {
  return [...text.matchAll(PEM_BLOCK)].filter((m) => kind(m[1]!)).map((m) => m[0]);
}

function readSetting(path: string, key: string): Buffer {
  try {
    return readFileSync(path);
  } catch (e) {
    throw new ConfigError(`${key}=${path} cannot be read (${e instanceof Error ? e.message : String(e)})`);
  }
}

export function buildListenerTls(config: BrokerConfig, listener: string): ListenerTls {
  const get = (key: string): string | null => listenerSetting(config, listener, key);
  const options: TlsOptions = {};
  const keystoreType = (get('ssl.keystore.type') ?? 'PEM').toUpperCase();
  const location = get('ssl.keystore.location');
  if (keystoreType === 'PKCS12') {
    if (location === null) throw new ConfigError(`listener ${listener}: ssl.keystore.type=PKCS12 needs ssl.keystore.location`);
    options.pfx = readSetting(location, 'ssl.keystore.location');
    options.passphrase = get('ssl.keystore.password') ?? undefined;
    // Opened here so a wrong password or a damaged file is a sentence at start, not an OpenSSL code.
    try {
      createSecureContext({ pfx: options.pfx, passphrase: options.passphrase });
    } catch (e) {
      throw new ConfigError(`listener ${listener}: the PKCS#12 keystore ${location} cannot be opened with ssl.keystore.password (${e instanceof Error ? e.message : String(e)})`);
    }
  } else {
    const text = location !== null ? readSetting(location, 'ssl.keystore.location').toString('utf8') : null;
    const keyText = get('ssl.keystore.key') ?? text;
    const chainText = get('ssl.keystore.certificate.chain') ?? text;
    const keys = keyText === null ? [] : pemBlocks(keyText, (l) => l.includes('PRIVATE KEY'));
    const certs = chainText === null ? [] : pemBlocks(chainText, (l) => l === 'CERTIFICATE');
    if (keys.length !== 1 || certs.length === 0) {
      throw new ConfigError(`listener ${listener} needs one PEM private key and its certificate chain (ssl.keystore.location, or ssl.keystore.key and ssl.keystore.certificate.chain)`);
    }
    options.key = keys[0];
    options.cert = certs.join('\n');
    const password = get('ssl.key.password');
    if (password !== null) options.passphrase = password;
  }
  const trustLocation = get('ssl.truststore.location');
  const trustText = get('ssl.truststore.certificates') ?? (trustLocation !== null ? readSetting(trustLocation, 'ssl.truststore.location').toString('utf8') : null);
  if (trustText !== null) {
    const cas = pemBlocks(trustText, (l) => l === 'CERTIFICATE');
    if (cas.length === 0) throw new ConfigError(`listener ${listener}: the truststore holds no PEM certificate`);
    options.ca = cas;
  }
  const protocols = (get('ssl.enabled.protocols') ?? 'TLSv1.2,TLSv1.3').split(',').map((s) => s.trim());
  options.minVersion = protocols.includes('TLSv1.2') ? 'TLSv1.2' : 'TLSv1.3';
  options.maxVersion = protocols.includes('TLSv1.3') ? 'TLSv1.3' : 'TLSv1.2';
  const clientAuth = (get('ssl.client.auth') ?? 'none') as ClientAuth;
  if (clientAuth !== 'none' && options.ca === undefined) {
    throw new ConfigError(`listener ${listener}: ssl.client.auth=${clientAuth} needs a truststore (ssl.truststore.location or ssl.truststore.certificates)`);
  }
  options.requestCert = clientAuth !== 'none';
  // 'requested' verifies a certificate that was sent after the handshake (listener.ts), since Node
  // would otherwise refuse a client that sends none.
  options.rejectUnauthorized = clientAuth === 'required';
  return { options, clientAuth };
}
