// Test certificates made with the openssl command line in a temp dir: a CA, a server certificate
// for localhost/127.0.0.1, and client certificates signed by that CA (or by an untrusted one).
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { execFileSync } from 'node:child_process';

export interface TestPki {
  dir: string;
  caCert: string;
  serverCert: string;
  serverKey: string;
  /** Server key and chain in one PEM file (Kafka's PEM keystore layout). */
  serverKeystore: string;
  /** Client certificate and key paths by name; `keystore` holds both in one PEM file (Kafka's PEM keystore layout). */
  client(name: string): { cert: string; key: string; keystore: string; subject: string };
  /** A client certificate signed by a CA the broker does not trust. */
  rogue: { cert: string; key: string };
  remove(): void;
}

function openssl(args: string[], cwd: string): void {
  execFileSync('openssl', args, { cwd, stdio: ['ignore', 'ignore', 'pipe'] });
}

function issue(dir: string, name: string, subject: string, ca: { cert: string; key: string }, ext: string | null): { cert: string; key: string } {
  const key = join(dir, `${name}.key`);
  const csr = join(dir, `${name}.csr`);
  const cert = join(dir, `${name}.pem`);
  openssl(['req', '-newkey', 'rsa:2048', '-nodes', '-keyout', key, '-subj', subject, '-out', csr], dir);
  const args = ['x509', '-req', '-in', csr, '-CA', ca.cert, '-CAkey', ca.key, '-CAcreateserial', '-days', '2', '-out', cert];
  if (ext !== null) {
    const extFile = join(dir, `${name}.ext`);
    writeFileSync(extFile, ext);
    args.push('-extfile', extFile);
  }
  openssl(args, dir);
  return { cert, key };
}

function makeCa(dir: string, name: string, subject: string): { cert: string; key: string } {
  const key = join(dir, `${name}.key`);
  const cert = join(dir, `${name}.pem`);
  openssl(['req', '-x509', '-newkey', 'rsa:2048', '-nodes', '-keyout', key, '-subj', subject, '-days', '2', '-out', cert], dir);
  return { cert, key };
}

export function createTestPki(clientNames: Record<string, string> = {}): TestPki {
  const dir = mkdtempSync(join(tmpdir(), 'brook-pki-'));
  const ca = makeCa(dir, 'ca', '/O=Brook Test/CN=Brook Test CA');
  const server = issue(dir, 'server', '/O=Brook Test/CN=localhost', ca, 'subjectAltName=DNS:localhost,IP:127.0.0.1\nextendedKeyUsage=serverAuth\n');
  const serverKeystore = join(dir, 'server-keystore.pem');
  writeFileSync(serverKeystore, readFileSync(server.key, 'utf8') + readFileSync(server.cert, 'utf8'));
  const clients = new Map<string, { cert: string; key: string; keystore: string; subject: string }>();
  for (const [name, subject] of Object.entries(clientNames)) {
    const issued = issue(dir, `client-${name}`, subject, ca, 'extendedKeyUsage=clientAuth\n');
    const keystore = join(dir, `client-${name}-keystore.pem`);
    writeFileSync(keystore, readFileSync(issued.key, 'utf8') + readFileSync(issued.cert, 'utf8'));
    clients.set(name, { ...issued, keystore, subject });
  }
  const otherCa = makeCa(dir, 'rogue-ca', '/O=Elsewhere/CN=Rogue CA');
  const rogue = issue(dir, 'rogue', '/O=Elsewhere/CN=mallory', otherCa, 'extendedKeyUsage=clientAuth\n');
  return {
    dir,
    caCert: ca.cert,
    serverCert: server.cert,
    serverKey: server.key,
    serverKeystore,
    client: (name) => {
      const c = clients.get(name);
      if (!c) throw new Error(`no client certificate ${name}`);
      return c;
    },
    rogue,
    remove: () => rmSync(dir, { recursive: true, force: true }),
  };
}
