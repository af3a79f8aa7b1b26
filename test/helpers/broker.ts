// Starts a real in-process Brook broker on 127.0.0.1, port 0, in a fresh temp data dir.
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Broker, type BrokerOptions } from '../../src/broker/broker.js';
import { createLogger, memoryLogger, type LogRecord } from '../../src/util/logger.js';

export interface TestBroker {
  broker: Broker;
  bootstrap: string;
  port: number;
  dataDir: string;
  logs: LogRecord[];
  /** Closes the broker (and keeps the data dir, for restart tests). */
  stop(): Promise<void>;
  /** Starts a new broker on the same data dir (after stop). */
  restart(extra?: Partial<BrokerOptions>): Promise<TestBroker>;
  /** Closes the broker and removes the data dir. */
  close(): Promise<void>;
}

export async function startTestBroker(options: Partial<BrokerOptions> = {}, dataDir?: string): Promise<TestBroker> {
  const dir = dataDir ?? mkdtempSync(join(tmpdir(), 'brook-test-'));
  const captured = memoryLogger('debug');
  const logger = process.env.BROOK_TEST_LOG ? createLogger({ level: 'debug' }) : captured.logger;
  const broker = await Broker.start({ dataDir: dir, host: '127.0.0.1', port: 0, logger, ...options });
  let stopped = false;
  const stop = async () => {
    if (!stopped) {
      stopped = true;
      await broker.close();
    }
  };
  return {
    broker,
    bootstrap: broker.bootstrap,
    port: broker.port,
    dataDir: dir,
    logs: captured.records,
    stop,
    restart: async (extra = {}) => {
      await stop();
      return startTestBroker({ ...options, ...extra }, dir);
    },
    close: async () => {
      await stop();
      rmSync(dir, { recursive: true, force: true });
    },
  };
}
