// What the gateway measures itself (prom-client registry), whether it runs inside `brook start`
// or alone against any Kafka cluster:
//   - process metrics: RSS (process_resident_memory_bytes), event-loop delay
//     (nodejs_eventloop_lag_seconds and percentiles), heap, GC, open handles;
//   - HTTP requests per route: brook_http_requests_total and brook_http_request_duration_seconds;
//   - consumer-group lag per group/topic/partition (kafka_consumergroup_lag, the name
//     kafka-exporter uses), computed over the Kafka protocol at most every lagRefreshMs;
//   - SSE subscribers and REST consumer instances.
// When the broker runs elsewhere (no embedded provider), partition counts and sizes come from
// Metadata and DescribeLogDirs instead of the broker's own registry.
import type { FastifyInstance } from 'fastify';
import { Counter, Gauge, Histogram, Registry, collectDefaultMetrics } from 'prom-client';
import { groupLag, listGroups, topicNames, describeTopics } from '../../client/index.js';
import type { Logger } from '../../util/logger.js';
import type { KafkaAccess } from '../kafka-access.js';
import type { ResolvedGatewayOptions } from '../options.js';

export class GatewayMetrics {
  readonly registry = new Registry();
  private readonly requests: Counter<'method' | 'route' | 'status'>;
  private readonly duration: Histogram<'method' | 'route'>;
  private readonly lag: Gauge<'consumergroup' | 'topic' | 'partition'>;
  private readonly lagSum: Gauge<'consumergroup'>;
  /** Only when no broker registry is handed over (it has these under the same names). */
  private readonly partitions: Gauge<'topic'> | null;
  private readonly logSize: Gauge<'topic' | 'partition'> | null;
  private lagRefreshedAt = 0;
  private refreshing: Promise<void> | null = null;
  /** Set by the server once its parts exist (gauges read them at scrape time). */
  gauges: { sseSubscribers: () => number; sseDropped: () => number; consumerInstances: () => number } = {
    sseSubscribers: () => 0,
    sseDropped: () => 0,
    consumerInstances: () => 0,
  };

  constructor(
    private readonly kafka: KafkaAccess,
    private readonly options: ResolvedGatewayOptions,
    private readonly logger: Logger,
  ) {
    collectDefaultMetrics({ register: this.registry, eventLoopMonitoringPrecision: 10 });
    const registers = [this.registry];
    this.requests = new Counter({ name: 'brook_http_requests_total', help: 'HTTP requests answered by the gateway.', labelNames: ['method', 'route', 'status'], registers });
    this.duration = new Histogram({
      name: 'brook_http_request_duration_seconds',
      help: 'HTTP request time in the gateway, per route.',
      labelNames: ['method', 'route'],
      buckets: [0.0005, 0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30],
      registers,
    });
    this.lag = new Gauge({ name: 'kafka_consumergroup_lag', help: 'Log end offset minus committed offset, per group and partition.', labelNames: ['consumergroup', 'topic', 'partition'], registers });
    this.lagSum = new Gauge({ name: 'kafka_consumergroup_lag_sum', help: 'Total lag of a consumer group.', labelNames: ['consumergroup'], registers });
    const alone = options.brokerMetrics === undefined;
    this.partitions = alone ? new Gauge({ name: 'kafka_topic_partitions', help: 'Partitions per topic (from Metadata).', labelNames: ['topic'], registers }) : null;
    this.logSize = alone ? new Gauge({ name: 'kafka_log_log_size', help: "Bytes of a partition's log (from DescribeLogDirs).", labelNames: ['topic', 'partition'], registers }) : null;
    const gaugeOf = (name: string, help: string, read: () => number): void => {
      const g = new Gauge({ name, help, registers });
      // prom-client calls collect() on scrape; set the value from the live parts then.
      (g as unknown as { collect: () => void }).collect = () => g.set(read());
    };
    gaugeOf('brook_gateway_sse_subscribers', 'Open Server-Sent Events streams.', () => this.gauges.sseSubscribers());
    gaugeOf('brook_gateway_sse_dropped_total', 'SSE subscribers disconnected for being too slow.', () => this.gauges.sseDropped());
    gaugeOf('brook_gateway_rest_consumer_instances', 'REST Proxy v2 consumer instances alive.', () => this.gauges.consumerInstances());
  }

  /** Counts every request by its route pattern (not its URL, which would explode the label set). */
  instrument(app: FastifyInstance): void {
    app.addHook('onResponse', async (request, reply) => {
      const route = (request.routeOptions.url ?? 'unmatched').replace(/::/g, ':');
      this.requests.inc({ method: request.method, route, status: String(reply.statusCode) });
      this.duration.observe({ method: request.method, route }, reply.elapsedTime / 1000);
    });
  }

  /** Prometheus text: the gateway's registry, plus the embedded broker's when there is one. */
  async render(): Promise<string> {
    await this.refreshClusterGauges().catch((e: unknown) => this.logger.warn('metrics: reading lag failed', { error: e instanceof Error ? e.message : String(e) }));
    const own = await this.registry.metrics();
    const broker = this.options.brokerMetrics?.() ?? '';
    return broker === '' ? own : `${broker}${own}`;
  }

  get contentType(): string {
    return this.registry.contentType;
  }

  private refreshClusterGauges(): Promise<void> {
    if (Date.now() - this.lagRefreshedAt < this.options.lagRefreshMs) return this.refreshing ?? Promise.resolve();
    this.lagRefreshedAt = Date.now();
    this.refreshing = (async () => {
      const admin = this.kafka.admin;
      const groups = await listGroups(admin);
      this.lag.reset();
      this.lagSum.reset();
      for (const g of groups) {
        const lag = await groupLag(admin, g.id).catch(() => null);
        if (!lag) continue;
        let sum = 0;
        for (const p of lag.partitions) {
          this.lag.set({ consumergroup: g.id, topic: p.topic, partition: String(p.partition) }, Number(p.lag));
          sum += Number(p.lag);
        }
        this.lagSum.set({ consumergroup: g.id }, sum);
      }
      const partitions = this.partitions;
      const logSize = this.logSize;
      if (partitions && logSize) {
        const views = await describeTopics(admin, await topicNames(admin, true));
        partitions.reset();
        logSize.reset();
        for (const t of views.values()) partitions.set({ topic: t.name }, t.partitions.length);
        const dirs = await admin.describeLogDirs({ topics: [...views.values()].map((t) => ({ name: t.name, partitions: t.partitions.map((p) => p.partition) })) });
        for (const broker of dirs) for (const dir of broker.results) for (const t of dir.topics) for (const p of t.partitions) logSize.set({ topic: t.name, partition: String(p.partitionIndex) }, Number(p.partitionSize));
      }
    })().finally(() => {
      this.refreshing = null;
    });
    return this.refreshing;
  }

  close(): void {
    this.registry.clear();
  }
}
