// The TCP listener: accepts connections, hands each to a Connection, and closes them all on
// shutdown. Knows nothing of Kafka beyond the options it passes along. Connections over
// max.connections or max.connections.per.ip are closed as soon as they are accepted, with one log
// line (limits/connection-limits.ts), and so are connections over max.connection.creation.rate or their
// IP's connection_creation_rate quota (KIP-612, security/client-quotas.ts); each accepted one draws on
// the broker-wide memory budget.
// An SSL or SASL_SSL listener (security/listeners.ts) is a TLS server: limits count the TCP connection
// when it arrives, the Connection starts once the handshake is done, and a client certificate gives
// the connection its principal (ssl.principal.mapping.rules). A TLS handshake is bounded in time
// (TLS_HANDSHAKE_TIMEOUT_MS), so a client that stalls in it holds nothing for long.
import { createServer, type Server, type Socket } from 'node:net';
import { createServer as createTlsServer, type Server as TlsServer, type TLSSocket, type TlsOptions } from 'node:tls';
import type { Logger } from '../../util/logger.js';
import type { BrokerState } from '../broker-state.js';
import type { HandlerLookup } from '../handlers/handler.js';
import type { BrokerResources } from '../limits/broker-resources.js';
import { Connection, type ConnectionOptions } from './connection.js';
import { IdleSweep } from './idle-sweep.js';
import type { ListenerSpec } from '../security/listeners.js';
import type { ListenerTls } from '../security/tls-options.js';
import type { PrincipalMapper } from '../security/principal.js';
import { SecuritySession } from '../security/session.js';
import { userPrincipal, rfc2253Subject } from '../security/principal.js';

/** How one listener secures its connections (absent: the plain PLAINTEXT listener). */
export interface ListenerSecurity {
  spec: ListenerSpec;
  /** The endpoint advertised to this listener's clients (its port set once bound). */
  advertised: { host: string; port: number };
  tls: ListenerTls | null;
  mapper: PrincipalMapper;
}

const TLS_HANDSHAKE_TIMEOUT_MS = 10_000;

export class Listener {
  private readonly server: Server;
  private readonly connections = new Set<Connection>();
  private nextId = 1;
  /** connections.max.idle.ms: one timer for all of this listener's connections. */
  private readonly idle: IdleSweep;

  constructor(
    private readonly broker: BrokerState,
    private readonly handlers: HandlerLookup,
    private readonly options: ConnectionOptions,
    private readonly logger: Logger,
    private readonly resources?: BrokerResources,
    private readonly security?: ListenerSecurity,
  ) {
    this.idle = new IdleSweep(options.idleTimeoutMs);
    const tls = security?.tls;
    if (!tls) {
      this.server = createServer((socket) => {
        if (this.admit(socket)) this.start(socket);
      });
      return;
    }
    const server = createTlsServer({ ...tls.options, handshakeTimeout: TLS_HANDSHAKE_TIMEOUT_MS }, (socket) => this.startTls(socket));
    // Limits apply to the TCP connection, before any handshake work is spent on it.
    server.on('connection', (raw: Socket) => {
      if (!this.admit(raw)) raw.destroy();
    });
    server.on('tlsClientError', (e: Error, socket: TLSSocket) => {
      this.logger.info('TLS handshake failed', { listener: security.spec.name, client: `${socket.remoteAddress ?? '?'}:${socket.remotePort ?? 0}`, error: e.message });
      // Node reports a handshake timeout here but leaves the socket open: a stalled (slowloris)
      // handshake would hold its connection forever. Close it ourselves.
      socket.destroy();
    });
    this.server = server;
  }

  /** Replaces this TLS listener's key, certificates and trust for new connections (certificate renewal). */
  reloadTls(options: TlsOptions): void {
    if (this.security?.tls) (this.server as TlsServer).setSecureContext(options);
  }

  /** Binds and resolves with the port actually bound (useful with port 0). */
  listen(host: string, port: number): Promise<number> {
    return new Promise((resolve, reject) => {
      this.server.once('error', reject);
      this.server.listen(port, host, () => {
        this.server.off('error', reject);
        const address = this.server.address();
        resolve(typeof address === 'object' && address ? address.port : port);
      });
    });
  }

  get connectionCount(): number {
    return this.connections.size;
  }

  /** The open connections (tests and metrics). */
  get open(): ReadonlySet<Connection> {
    return this.connections;
  }

  /** Counts a TCP connection against the limits (released when it closes); false when refused. */
  private admit(socket: Socket): boolean {
    const address = socket.remoteAddress ?? '';
    const limits = this.resources?.connections;
    const refused = this.broker.security.quotas.admitConnection(address, Date.now()) ?? limits?.open(address) ?? null;
    if (refused !== null) {
      // Kafka logs these at info: a client over its limit is not a broker problem.
      this.logger.info('rejected connection', { client: `${address}:${socket.remotePort ?? 0}`, reason: refused });
      socket.on('error', () => undefined);
      socket.destroy();
      return false;
    }
    if (limits) socket.once('close', () => limits.closed(address));
    return true;
  }

  /** A finished TLS handshake: checks a requested client certificate and maps it to the principal. */
  private startTls(socket: TLSSocket): void {
    const security = this.security!;
    const client = `${socket.remoteAddress ?? '?'}:${socket.remotePort ?? 0}`;
    const peer = socket.getPeerX509Certificate();
    let principal: string | null = null;
    if (peer) {
      // ssl.client.auth=requested: Node let an unverified certificate through; Kafka's JSSE would not.
      if (!socket.authorized) {
        this.logger.info('TLS client certificate refused', { listener: security.spec.name, client, error: String(socket.authorizationError) });
        socket.destroy();
        return;
      }
      const dn = rfc2253Subject(peer);
      const name = security.mapper.map(dn);
      if (name === null) {
        this.logger.info('TLS client certificate matches no ssl.principal.mapping.rules', { listener: security.spec.name, client, subject: dn });
        socket.destroy();
        return;
      }
      principal = userPrincipal(name);
      this.logger.debug('TLS client authenticated', { listener: security.spec.name, client, principal });
    }
    this.start(socket, principal);
  }

  private start(socket: Socket, certificatePrincipal: string | null = null): void {
    const spec = this.security?.spec;
    const session = new SecuritySession(spec?.name ?? 'PLAINTEXT', spec?.protocol ?? 'PLAINTEXT', socket.remoteAddress ?? '', this.security?.advertised ?? this.broker.advertised);
    // On SASL_SSL the principal is the SASL user; the certificate only secured the channel (as in Kafka).
    if (certificatePrincipal !== null && !session.saslListener) session.principal = certificatePrincipal;
    const base: ConnectionOptions = { ...this.options, session };
    const options: ConnectionOptions = this.resources
      ? { ...base, brokerBudget: this.resources.buffered, maxBufferedBytes: this.resources.connectionBudgetBytes() }
      : base;
    const conn = new Connection(socket, this.nextId++, this.broker, this.handlers, options, this.logger);
    this.connections.add(conn);
    this.broker.metrics.connectionOpened();
    const untrack = this.idle.track(conn);
    conn.onClose(() => {
      untrack();
      this.connections.delete(conn);
      this.broker.metrics.connectionClosed();
    });
  }

  /** Stops accepting, closes every connection, and resolves when the server is closed. */
  async close(): Promise<void> {
    this.idle.stop();
    const closed = new Promise<void>((resolve) => this.server.close(() => resolve()));
    for (const conn of this.connections) conn.close('broker shutting down');
    await closed;
  }
}
