// The broker's own metrics, which no Kafka client can observe: request rates and latencies per
// API, bytes and messages in and out per topic, open connections, produce and fetch purgatory
// sizes, fsync latency, and partition counts and sizes. Hot paths update plain numbers (see
// KeyedHistogram; per-topic counters are created once per topic); `render()` writes Prometheus
// text at scrape time, with the names Kafka's JMX metrics get under the Prometheus JMX exporter
// (kafka_server_brokertopicmetrics_bytesin_total, kafka_network_requestmetrics_..., ...), so
// dashboards built for Kafka read them.
import type { LogManager } from '../../storage/index.js';
import { KeyedHistogram } from './histogram.js';

// Milliseconds, Kafka's unit for request and flush times.
const LATENCY_BOUNDS_MS = [0.1, 0.25, 0.5, 1, 2.5, 5, 10, 25, 50, 100, 250, 500, 1000, 2500, 5000, 10000, 30000];
const MAX_API_KEY = 128;
const FSYNC_KEY = 0;

interface TopicCounters {
  bytesIn: number;
  bytesOut: number;
  messagesIn: number;
}

export interface BrokerMetricsSources {
  logs: LogManager;
  /** Fetches parked waiting for data (Kafka's Fetch purgatory). */
  fetchPurgatory: () => number;
}

export class BrokerMetrics {
  private readonly requests = new Float64Array(MAX_API_KEY);
  private readonly latency = new KeyedHistogram(LATENCY_BOUNDS_MS, MAX_API_KEY);
  private readonly fsync = new KeyedHistogram(LATENCY_BOUNDS_MS, 1);
  private readonly topics = new Map<string, TopicCounters>();
  private bytesIn = 0;
  private bytesOut = 0;
  private networkIn = 0;
  private networkOut = 0;
  private messagesIn = 0;
  private connections = 0;
  private connectionsCreated = 0;
  /** acks=all appends waiting for their fsync (Kafka's Produce purgatory). */
  private producePurgatory = 0;
  private sources: BrokerMetricsSources | null = null;

  constructor(private readonly apiNames: ReadonlyMap<number, string>) {}

  attach(sources: BrokerMetricsSources): void {
    this.sources = sources;
  }

  /** A request frame was read; returns its start time for requestDone. */
  requestStarted(frameBytes: number): number {
    this.networkIn += frameBytes + 4;
    return performance.now();
  }

  requestDone(apiKey: number, startedAt: number, responseChunks: readonly Buffer[] | null): void {
    if (apiKey >= 0 && apiKey < MAX_API_KEY) this.requests[apiKey]! += 1;
    this.latency.observe(apiKey, performance.now() - startedAt);
    if (responseChunks) for (let i = 0; i < responseChunks.length; i++) this.networkOut += responseChunks[i]!.length;
  }

  /** Requests of one API answered since start (the counter /metrics serves). */
  requestsAnswered(apiKey: number): number {
    return apiKey >= 0 && apiKey < MAX_API_KEY ? this.requests[apiKey]! : 0;
  }

  connectionOpened(): void {
    this.connections++;
    this.connectionsCreated++;
  }

  connectionClosed(): void {
    this.connections--;
  }

  /** Records appended to a topic: walks the batch headers only (recordCount at byte 57 of each). */
  produced(topic: string, records: Buffer): void {
    const t = this.topic(topic);
    let count = 0;
    for (let at = 0; at + 61 <= records.length; ) {
      const length = records.readInt32BE(at + 8);
      count += records.readInt32BE(at + 57);
      if (length <= 0) break;
      at += 12 + length;
    }
    t.bytesIn += records.length;
    this.bytesIn += records.length;
    t.messagesIn += count;
    this.messagesIn += count;
  }

  /** A Fetch answered: record bytes per topic (partitions in request order, as the handler has them). */
  fetched(topics: readonly { name: string; partitions: readonly unknown[] }[], partitions: readonly { records: readonly Buffer[] }[]): void {
    let i = 0;
    for (const t of topics) {
      let bytes = 0;
      for (let n = 0; n < t.partitions.length; n++) {
        const records = partitions[i++]?.records;
        if (records) for (let c = 0; c < records.length; c++) bytes += records[c]!.length;
      }
      if (bytes > 0) {
        this.topic(t.name).bytesOut += bytes;
        this.bytesOut += bytes;
      }
    }
  }

  produceWaiting(delta: 1 | -1): void {
    this.producePurgatory += delta;
  }

  /** fdatasync round time (storage calls this through LogManager's syncObserver). */
  observeFsync = (ms: number): void => {
    this.fsync.observe(FSYNC_KEY, ms);
  };

  private topic(name: string): TopicCounters {
    let t = this.topics.get(name);
    if (!t) this.topics.set(name, (t = { bytesIn: 0, bytesOut: 0, messagesIn: 0 }));
    return t;
  }

  render(): string {
    let out = '';
    const family = (name: string, type: string, help: string): void => {
      out += `# HELP ${name} ${help}\n# TYPE ${name} ${type}\n`;
    };
    const esc = (v: string): string => v.replace(/\\/g, '\\\\').replace(/"/g, '\\"').replace(/\n/g, '\\n');

    family('kafka_server_brokertopicmetrics_bytesin_total', 'counter', 'Bytes of record batches produced, per topic (no topic label: all topics).');
    out += `kafka_server_brokertopicmetrics_bytesin_total ${this.bytesIn}\n`;
    for (const [t, c] of this.topics) out += `kafka_server_brokertopicmetrics_bytesin_total{topic="${esc(t)}"} ${c.bytesIn}\n`;
    family('kafka_server_brokertopicmetrics_bytesout_total', 'counter', 'Bytes of record batches fetched by clients, per topic (no topic label: all topics).');
    out += `kafka_server_brokertopicmetrics_bytesout_total ${this.bytesOut}\n`;
    for (const [t, c] of this.topics) out += `kafka_server_brokertopicmetrics_bytesout_total{topic="${esc(t)}"} ${c.bytesOut}\n`;
    family('kafka_server_brokertopicmetrics_messagesin_total', 'counter', 'Records produced, per topic.');
    out += `kafka_server_brokertopicmetrics_messagesin_total ${this.messagesIn}\n`;
    for (const [t, c] of this.topics) out += `kafka_server_brokertopicmetrics_messagesin_total{topic="${esc(t)}"} ${c.messagesIn}\n`;

    family('kafka_network_requestmetrics_requests_total', 'counter', 'Requests answered, per API.');
    for (const [key, name] of this.apiNames) if (this.requests[key]! > 0) out += `kafka_network_requestmetrics_requests_total{request="${name}"} ${this.requests[key]}\n`;
    family('kafka_network_requestmetrics_totaltimems', 'histogram', 'Request time from read to response, in milliseconds, per API.');
    for (const [key, name] of this.apiNames) if (this.latency.count(key) > 0) out += this.latency.render('kafka_network_requestmetrics_totaltimems', `request="${name}"`, key);

    family('kafka_server_socketservermetrics_incoming_byte_total', 'counter', 'Bytes of requests read from clients (all APIs).');
    out += `kafka_server_socketservermetrics_incoming_byte_total ${this.networkIn}\n`;
    family('kafka_server_socketservermetrics_outgoing_byte_total', 'counter', 'Bytes of responses sent to clients (all APIs).');
    out += `kafka_server_socketservermetrics_outgoing_byte_total ${this.networkOut}\n`;
    family('kafka_server_socketservermetrics_connection_count', 'gauge', 'Open client connections.');
    out += `kafka_server_socketservermetrics_connection_count ${this.connections}\n`;
    family('kafka_server_socketservermetrics_connection_creation_total', 'counter', 'Client connections accepted.');
    out += `kafka_server_socketservermetrics_connection_creation_total ${this.connectionsCreated}\n`;

    family('kafka_server_delayedoperationpurgatory_purgatorysize', 'gauge', 'Requests waiting: Produce (acks=all, for fsync) and Fetch (long polls).');
    out += `kafka_server_delayedoperationpurgatory_purgatorysize{delayedOperation="Produce"} ${this.producePurgatory}\n`;
    out += `kafka_server_delayedoperationpurgatory_purgatorysize{delayedOperation="Fetch"} ${this.sources?.fetchPurgatory() ?? 0}\n`;

    family('kafka_log_logflushstats_logflushrateandtimems', 'histogram', 'fdatasync round time in milliseconds (one round covers every acks=all append pending).');
    out += this.fsync.render('kafka_log_logflushstats_logflushrateandtimems', '', FSYNC_KEY);

    if (this.sources) out += this.renderPartitions(this.sources.logs, esc);
    return out;
  }

  private renderPartitions(logs: LogManager, esc: (v: string) => string): string {
    let count = 0;
    let sizes = '';
    let ends = '';
    let starts = '';
    for (const topic of logs.listTopics()) {
      for (let p = 0; p < topic.partitions; p++) {
        const log = logs.getLog(topic.name, p);
        if (!log) continue;
        count++;
        const labels = `topic="${esc(topic.name)}",partition="${p}"`;
        sizes += `kafka_log_log_size{${labels}} ${log.sizeInBytes}\n`;
        ends += `kafka_log_log_logendoffset{${labels}} ${log.logEndOffset}\n`;
        starts += `kafka_log_log_logstartoffset{${labels}} ${log.logStartOffset}\n`;
      }
    }
    let out = `# HELP kafka_server_replicamanager_partitioncount Partitions on this broker.\n# TYPE kafka_server_replicamanager_partitioncount gauge\nkafka_server_replicamanager_partitioncount ${count}\n`;
    out += `# HELP kafka_log_log_size Bytes of a partition's segments on disk.\n# TYPE kafka_log_log_size gauge\n${sizes}`;
    out += `# HELP kafka_log_log_logendoffset A partition's log end offset.\n# TYPE kafka_log_log_logendoffset gauge\n${ends}`;
    out += `# HELP kafka_log_log_logstartoffset A partition's log start offset.\n# TYPE kafka_log_log_logstartoffset gauge\n${starts}`;
    return out;
  }
}
