// The TCP listener: accepts connections, hands each to a Connection, and closes them all on
// shutdown. Knows nothing of Kafka beyond the options it passes along. Connections over
// max.connections or max.connections.per.ip are closed as soon as they are accepted, with one log
// line (limits/connection-limits.ts); each accepted one draws on the broker-wide memory budget.
import { createServer, type Server, type Socket } from 'node:net';
import type { Logger } from '../../util/logger.js';
import type { BrokerState } from '../broker-state.js';
import type { HandlerLookup } from '../handlers/handler.js';
import type { BrokerResources } from '../limits/broker-resources.js';
import { Connection, type ConnectionOptions } from './connection.js';

export class Listener {
  private readonly server: Server;
  private readonly connections = new Set<Connection>();
  private nextId = 1;

  constructor(
    private readonly broker: BrokerState,
    private readonly handlers: HandlerLookup,
    private readonly options: ConnectionOptions,
    private readonly logger: Logger,
    private readonly resources?: BrokerResources,
  ) {
    this.server = createServer((socket) => this.accept(socket));
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

  private accept(socket: Socket): void {
    const address = socket.remoteAddress ?? '';
    const limits = this.resources?.connections;
    const refused = limits?.open(address) ?? null;
    if (refused !== null) {
      // Kafka logs these at info: a client over its limit is not a broker problem.
      this.logger.info('rejected connection', { client: `${address}:${socket.remotePort ?? 0}`, reason: refused });
      socket.on('error', () => undefined);
      socket.destroy();
      return;
    }
    const options: ConnectionOptions = this.resources
      ? { ...this.options, brokerBudget: this.resources.buffered, maxBufferedBytes: this.resources.connectionBudgetBytes() }
      : this.options;
    const conn = new Connection(socket, this.nextId++, this.broker, this.handlers, options, this.logger);
    this.connections.add(conn);
    this.broker.metrics.connectionOpened();
    conn.onClose(() => {
      this.connections.delete(conn);
      limits?.closed(address);
      this.broker.metrics.connectionClosed();
    });
  }

  /** Stops accepting, closes every connection, and resolves when the server is closed. */
  async close(): Promise<void> {
    const closed = new Promise<void>((resolve) => this.server.close(() => resolve()));
    for (const conn of this.connections) conn.close('broker shutting down');
    await closed;
  }
}
