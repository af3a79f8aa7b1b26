// A real Brook broker and a real HTTP gateway in this process, both on port 0, the gateway
// talking to the broker over the Kafka protocol exactly as `brook start` wires them (the
// broker's metrics handed over as a provider function).
import { Gateway } from '../../src/gateway/server.js';
import type { GatewayOptions } from '../../src/gateway/options.js';
import { memoryLogger } from '../../src/util/logger.js';
import { startTestBroker, type TestBroker } from '../helpers/broker.js';

export interface TestGateway {
  broker: TestBroker;
  gateway: Gateway;
  url: string;
  clusterId: string;
  /** Stops the gateway and the broker, keeping the data dir; starts both again on it. */
  restart(): Promise<TestGateway>;
  close(): Promise<void>;
}

export async function startTestGateway(options: Partial<GatewayOptions> = {}, broker?: TestBroker): Promise<TestGateway> {
  // No initial rebalance delay: consumer groups in these tests have one member each.
  const b = broker ?? (await startTestBroker({ config: { 'group.initial.rebalance.delay.ms': '0' } }));
  const gateway = await Gateway.start({
    brokers: [b.bootstrap],
    host: '127.0.0.1',
    port: 0,
    logger: memoryLogger('warn').logger,
    brokerMetrics: () => b.broker.state.metrics.render(),
    ...options,
  });
  await gateway.context.schemas?.store.whenReady();
  return {
    broker: b,
    gateway,
    url: gateway.url,
    clusterId: b.broker.state.clusterId,
    restart: async () => {
      await gateway.close();
      const again = await b.restart();
      return startTestGateway(options, again);
    },
    close: async () => {
      await gateway.close();
      await b.close();
    },
  };
}

export interface HttpAnswer {
  status: number;
  type: string;
  text: string;
  json: unknown;
  headers: Record<string, string>;
}

/** One HTTP request with fetch; JSON bodies are stringified, the answer parsed when it is JSON. */
export async function http(base: string, method: string, path: string, options: { body?: unknown; type?: string; headers?: Record<string, string> } = {}): Promise<HttpAnswer> {
  const headers: Record<string, string> = { ...options.headers };
  let body: string | undefined;
  if (options.body !== undefined) {
    body = typeof options.body === 'string' ? options.body : JSON.stringify(options.body);
    headers['content-type'] = options.type ?? 'application/json';
  }
  const r = await fetch(`${base}${path}`, { method, headers, body });
  const text = await r.text();
  let json: unknown;
  try {
    json = text === '' ? undefined : JSON.parse(text);
  } catch {
    json = undefined;
  }
  return { status: r.status, type: r.headers.get('content-type') ?? '', text, json, headers: Object.fromEntries(r.headers) };
}

/** Polls `probe` until it returns a value (not undefined), or fails after `limitMs`. */
export async function until<T>(what: string, probe: () => Promise<T | undefined> | T | undefined, limitMs = 20_000): Promise<T> {
  const deadline = Date.now() + limitMs;
  for (;;) {
    const v = await probe();
    if (v !== undefined) return v;
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 25));
  }
}

