// AMQPS: AMQP 0-9-1 over TLS on its own port (RabbitMQ's 5671), the same protocol as the plain
// listener once the handshake is done. Keys and certificates come from the settings the Kafka SSL
// listeners use (src/broker/security/tls-options.ts), looked up for the listener name AMQPS:
// listener.name.amqps.ssl.* first, then the broker-wide ssl.* keys (ssl.keystore.location as a PEM
// file or PKCS12, ssl.truststore.*, ssl.client.auth, ssl.enabled.protocols).
import { createServer, type Server, type TLSSocket } from 'node:tls';
import type { Socket } from 'node:net';
import type { BrokerConfig } from '../config/broker-config.js';
import { buildListenerTls } from '../security/tls-options.js';
import type { Logger } from '../../util/logger.js';

export const AMQPS_LISTENER = 'AMQPS';

/** Starts the TLS listener; `onSocket` gets each connection once its handshake succeeded. */
export async function startAmqpsListener(config: BrokerConfig, host: string, port: number, onSocket: (socket: Socket) => void, logger: Logger): Promise<Server> {
  const { options, clientAuth } = buildListenerTls(config, AMQPS_LISTENER);
  const server = createServer(options, (socket: TLSSocket) => {
    // ssl.client.auth=requested: a certificate that was sent must verify (none is fine).
    if (clientAuth === 'requested' && !socket.authorized && socket.getPeerCertificate()?.subject !== undefined) {
      logger.info('AMQPS client certificate refused', { remote: socket.remoteAddress, error: String(socket.authorizationError) });
      socket.destroy();
      return;
    }
    onSocket(socket);
  });
  // A failed handshake is the client's problem: log it, keep serving.
  server.on('tlsClientError', (e) => logger.debug('AMQPS handshake failed', { error: e.message }));
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(port, host, () => {
      server.off('error', reject);
      resolve();
    });
  });
  return server;
}

/** Reads the AMQPS key and certificates again; the returned function serves them to new connections. Throws when they do not load. */
export function prepareAmqpsReload(config: BrokerConfig, server: Server): () => void {
  const { options } = buildListenerTls(config, AMQPS_LISTENER);
  return () => server.setSecureContext(options);
}
