// A connection of the Kafka client that fails twice must not end the process (src/client/connection-errors.ts):
// @platformatic/kafka listens for a pooled connection's first 'error' only, and a socket reset during the
// SASL handshake emits two (the socket's error, then the handshake failing as the socket closes). A child
// process uses the client layer against a server that resets every connection at its first request; it
// must see the request fail, live on, and log the error that nothing else listened for.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { createServer, type Socket } from 'node:net';
import { join } from 'node:path';
import { repoRoot } from '../helpers/paths.js';
import { expectSuccess, jsonLines, run } from '../helpers/processes.js';

test('a connection reset during the SASL handshake (two errors on one connection): the process survives, the caller gets the error, the guard logs it', async () => {
  let connections = 0;
  const sockets = new Set<Socket>();
  const server = createServer((socket) => {
    connections++;
    sockets.add(socket);
    socket.on('close', () => sockets.delete(socket));
    socket.on('error', () => {});
    socket.once('data', () => socket.resetAndDestroy());
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const port = (server.address() as { port: number }).port;
  try {
    const r = await run(process.execPath, [join(repoRoot, 'dist', 'test', 'client', 'connection-error-child.js'), String(port)], { limitMs: 60_000 });
    expectSuccess(r, 'the client child process');
    const [report] = jsonLines<{ survived: boolean; failure: string }>(r.stdout);
    assert.equal(report?.survived, true);
    assert.notEqual(report?.failure, '', 'the request itself failed, to its caller');
    assert.ok(connections >= 2, `each attempt reached the server (${connections})`);
    const logged = jsonLines<{ level: string; msg: string; component?: string; error?: string; unhandledElsewhere?: boolean }>(r.stderr).filter((l) => l.msg === 'Kafka client connection error');
    assert.ok(logged.length > 0, `the guard logged the connection error\n${r.stderr}`);
    assert.ok(logged.some((l) => l.level === 'warn' && l.unhandledElsewhere === true && l.component === 'kafka-client' && /SASL/.test(l.error ?? '')), r.stderr);
  } finally {
    for (const s of sockets) s.destroy();
    await new Promise<void>((resolve) => server.close(() => resolve()));
  }
});
