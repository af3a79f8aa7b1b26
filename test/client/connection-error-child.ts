// Child process of connection-errors.test.ts: an Admin of the client layer asks a "broker" (the test's
// server, argv[2] = its port) that resets every connection during the SASL handshake, twice (one retry),
// and reports on stdout whether the process lived on. A crash shows as a non-zero exit without the line.
import { createAdmin } from '../../src/client/index.js';

const port = Number(process.argv[2]);
const admin = createAdmin({ clientId: 'connection-error-child', brokers: [`127.0.0.1:${port}`], sasl: { mechanism: 'PLAIN', username: 'alice', password: 'wrong' }, retries: 1, timeoutMs: 10_000 });
let failure = '';
try {
  await admin.listTopics();
} catch (e) {
  failure = e instanceof Error ? e.message : String(e);
}
await admin.close();
// The resets' last errors arrive as the sockets close: one more turn of the loop for them.
await new Promise((r) => setImmediate(r));
process.stdout.write(`${JSON.stringify({ survived: true, failure })}\n`);
