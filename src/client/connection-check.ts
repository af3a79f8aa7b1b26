// A fast reachability check before a command does real work. The library retries a failed
// connection several times with a one-second delay, which is right for long-running clients but
// makes a mistyped --brokers hang for seconds; one attempt with no retries answers at once.
//
// Before the library is involved, each bootstrap address gets a raw probe: one ApiVersions v0
// request (header v1: api key 18, version 0, correlation id, client id; Kafka protocol guide,
// "Request Header"). Every Kafka broker answers it, whatever its version (KIP-511 even answers
// versions it does not know), with a frame that starts with a sane length and our correlation id.
// Anything else (an HTTP server's text, a closed connection, silence) is not Kafka, and the
// command says so within PROBE_TIMEOUT_MS instead of waiting out the library's request timeout.
import { connect } from 'node:net';
import { Admin } from '@platformatic/kafka';
import { authenticationFailure, ClientFacingError, isNetworkError } from './errors.js';
import { base } from './factories.js';
import type { ClientOptions } from './options.js';

const PROBE_TIMEOUT_MS = 3000;
const PROBE_CORRELATION_ID = 0x62726f6f; // "broo"
// No Kafka response to ApiVersions is anywhere near this large; four ASCII letters read as a length are.
const MAX_SANE_FRAME = 64 * 1024 * 1024;

export type ProbeResult = { kind: 'kafka' } | { kind: 'unreachable'; reason: string } | { kind: 'not-kafka'; reason: string };

/** Sends one ApiVersions v0 request to `broker` ("host:port") and classifies what comes back. */
export function probeKafka(broker: string, clientId: string, timeoutMs = PROBE_TIMEOUT_MS): Promise<ProbeResult> {
  const colon = broker.lastIndexOf(':');
  const host = broker.slice(0, colon).replace(/^\[|\]$/g, '');
  const port = Number(broker.slice(colon + 1));
  return new Promise((resolve) => {
    let received = Buffer.alloc(0);
    let connected = false;
    const socket = connect({ host, port });
    const done = (result: ProbeResult): void => {
      clearTimeout(timer);
      socket.destroy();
      resolve(result);
    };
    const timer = setTimeout(
      () =>
        done(
          connected
            ? { kind: 'not-kafka', reason: `accepted the connection but did not answer a Kafka request within ${timeoutMs / 1000} s` }
            : { kind: 'unreachable', reason: `did not accept a connection within ${timeoutMs / 1000} s` },
        ),
      timeoutMs,
    );
    socket.on('connect', () => {
      connected = true;
      socket.write(apiVersionsV0(clientId));
    });
    socket.on('data', (chunk: Buffer) => {
      received = Buffer.concat([received, chunk]);
      if (received.length < 8) return;
      const size = received.readInt32BE(0);
      const correlationId = received.readInt32BE(4);
      if (size >= 4 && size <= MAX_SANE_FRAME && correlationId === PROBE_CORRELATION_ID) done({ kind: 'kafka' });
      else done({ kind: 'not-kafka', reason: 'answered, but not in the Kafka protocol' });
    });
    socket.on('close', () => done(connected ? { kind: 'not-kafka', reason: 'closed the connection without answering a Kafka request' } : { kind: 'unreachable', reason: 'refused the connection' }));
    socket.on('error', (e: NodeJS.ErrnoException) => {
      if (!connected) done({ kind: 'unreachable', reason: e.code === 'ENOTFOUND' ? 'is not a known host name' : 'refused the connection' });
    });
  });
}

function apiVersionsV0(clientId: string): Buffer {
  const id = Buffer.from(clientId);
  const frame = Buffer.alloc(4 + 2 + 2 + 4 + 2 + id.length);
  frame.writeInt32BE(frame.length - 4, 0);
  frame.writeInt16BE(18, 4); // ApiVersions
  frame.writeInt16BE(0, 6); // v0: no body, the oldest version every broker serves
  frame.writeInt32BE(PROBE_CORRELATION_ID, 8);
  frame.writeInt16BE(id.length, 12);
  id.copy(frame, 14);
  return frame;
}

/**
 * Resolves when some bootstrap broker answers Metadata; otherwise throws a ClientFacingError: "Broker unreachable"
 * when nothing listens, or a sentence saying that what listens is not a Kafka broker.
 */
export async function checkBrokersReachable(options: ClientOptions): Promise<void> {
  // The plaintext probe cannot speak TLS: over TLS only the client's own Metadata below checks.
  if (!options.tls) await probeBootstraps(options);
  await checkMetadata(options);
}

async function probeBootstraps(options: ClientOptions): Promise<void> {
  const probes = await Promise.all(options.brokers.map(async (b) => ({ broker: b, result: await probeKafka(b, options.clientId) })));
  if (!probes.some((p) => p.result.kind === 'kafka')) {
    const notKafka = probes.find((p) => p.result.kind === 'not-kafka');
    if (notKafka && notKafka.result.kind === 'not-kafka') {
      throw new ClientFacingError(`${notKafka.broker} is not a Kafka broker: it ${notKafka.result.reason}. Check --brokers (or BROOK_BROKERS).`);
    }
    throw new ClientFacingError(`Broker unreachable at ${options.brokers.join(', ')}.`);
  }
}

async function checkMetadata(options: ClientOptions): Promise<void> {
  const admin = new Admin({ ...base(options), retries: false, timeout: options.timeoutMs ?? 5000 });
  try {
    await admin.metadata({ topics: [] });
  } catch (e) {
    const refused = authenticationFailure(e, options.brokers);
    if (refused !== undefined) throw new ClientFacingError(refused);
    if (isNetworkError(e)) throw new ClientFacingError(`Broker unreachable at ${options.brokers.join(', ')}.`);
    throw e;
  } finally {
    await admin.close().catch(() => undefined);
  }
}
