// What the web console's Overview page shows that the REST API has no resource for:
//   GET /console/api/overview    broker(s), version, uptime, counts, log dirs with used and free
//                                space (DescribeLogDirs v4 totalBytes/usableBytes, KIP-827)
//   GET /console/api/throughput  the broker's cumulative byte and record counters, which the page
//                                samples to draw per-second rates (the same counters /metrics
//                                exports as kafka_server_brokertopicmetrics_*_total)
// Both read over the Kafka protocol except the counters, which only the embedded broker has
// (null when the gateway runs against another cluster).
import type { FastifyInstance } from 'fastify';
import { describeCluster, describeTopics, listGroups, topicNames } from '../../client/index.js';
import type { GatewayContext } from '../context.js';
import { packageInfo } from '../../util/package-info.js';
import { consoleErrors, consoleRoute } from './console-route.js';

const startedAt = Date.now();

/** The unlabelled (all topics) value of a Prometheus counter in the broker's text, or 0. */
export function counterValue(text: string, name: string): number {
  const at = text.indexOf(`\n${name} `);
  if (at < 0) return 0;
  const end = text.indexOf('\n', at + 1);
  return Number(text.slice(at + name.length + 2, end < 0 ? undefined : end)) || 0;
}

export function registerOverviewRoutes(app: FastifyInstance, ctx: GatewayContext): void {
  const tags = ['console'];
  app.get('/console/api/overview', { schema: { tags, summary: 'Cluster overview for the web console', response: { 200: { type: 'object', additionalProperties: true }, ...consoleErrors } } }, async () =>
    consoleRoute(async () => {
      const admin = ctx.kafka.admin;
      const [cluster, names, groups, shareGroups] = await Promise.all([
        describeCluster(admin),
        topicNames(admin, true),
        listGroups(admin),
        admin.listGroups({ types: ['share'] }).then((m) => m.size).catch(() => 0),
      ]);
      const views = await describeTopics(admin, names);
      const partitions = [...views.values()].reduce((n, t) => n + t.partitions.length, 0);
      const dirs = await admin.describeLogDirs({ topics: [] }).catch(() => []);
      // Sizes per dir come from a second request naming every partition (an empty list asks for none).
      const sized = views.size === 0 ? [] : await admin.describeLogDirs({ topics: [...views.values()].map((t) => ({ name: t.name, partitions: t.partitions.map((p) => p.partition) })) }).catch(() => []);
      const usedByDir = new Map<string, number>();
      for (const b of sized) for (const d of b.results) usedByDir.set(`${b.broker}:${d.logDir}`, d.topics.reduce((s, t) => s + t.partitions.reduce((x, p) => x + Number(p.partitionSize), 0), 0));
      return {
        version: packageInfo.version,
        clusterId: cluster.clusterId,
        controllerId: cluster.controllerId,
        brokers: cluster.brokers.map((b) => ({ id: b.nodeId, host: b.host, port: b.port, rack: b.rack })),
        uptimeMs: Date.now() - startedAt,
        counts: { topics: views.size, partitions, groups: groups.length, shareGroups },
        logDirs: dirs.flatMap((b) =>
          b.results.map((d) => ({
            broker: b.broker,
            path: d.logDir,
            usedBytes: usedByDir.get(`${b.broker}:${d.logDir}`) ?? 0,
            // -1 is Kafka's "unknown" (a broker older than DescribeLogDirs v4).
            totalBytes: Number(d.totalBytes ?? -1n),
            usableBytes: Number(d.usableBytes ?? -1n),
          })),
        ),
      };
    }),
  );
  app.get('/console/api/throughput', { schema: { tags, summary: "The broker's cumulative traffic counters", response: { 200: { type: 'object', additionalProperties: true } } } }, async () => {
    const text = ctx.options.brokerMetrics?.();
    if (text === undefined) return { at: Date.now(), available: false };
    const t = `\n${text}`;
    return {
      at: Date.now(),
      available: true,
      bytesIn: counterValue(t, 'kafka_server_brokertopicmetrics_bytesin_total'),
      bytesOut: counterValue(t, 'kafka_server_brokertopicmetrics_bytesout_total'),
      messagesIn: counterValue(t, 'kafka_server_brokertopicmetrics_messagesin_total'),
    };
  });
}
