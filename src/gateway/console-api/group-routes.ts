// Consumer-group actions the REST v3 API has no route for, as kafka-consumer-groups.sh does them:
//   POST /console/api/groups/{g}/reset-offsets   preview (dry_run) or apply a reset of a group's
//        committed offsets on a topic to the earliest, latest, a timestamp or an offset; applying
//        is refused (409) while the group has members, as Kafka's tool refuses ("Assignments can
//        only be reset if the group is inactive")
//   GET  /console/api/share-groups               share groups (KIP-932): state, members, and per
//        partition the start offset, lag and records in flight
// Listing, members and lag of classic groups reuse the v3 consumer-group routes.
import type { FastifyInstance } from 'fastify';
import {
  EARLIEST_TIMESTAMP,
  LATEST_TIMESTAMP,
  commitAsSimpleConsumer,
  committedOffsets,
  describeAnyGroup,
  describeShareGroup,
  describeTopics,
  listOffsetsAt,
  partitionKey,
} from '../../client/index.js';
import { HttpError } from '../http-error.js';
import type { GatewayContext } from '../context.js';
import { consoleErrors, consoleRoute } from './console-route.js';

interface ResetBody {
  topic: string;
  partitions?: number[];
  to: 'earliest' | 'latest' | 'timestamp' | 'offset';
  timestamp?: number;
  offset?: number;
  dry_run?: boolean;
}

const anyObject = { type: 'object', additionalProperties: true } as const;

export function registerGroupActionRoutes(app: FastifyInstance, ctx: GatewayContext): void {
  const tags = ['console'];
  app.post<{ Params: { group: string }; Body: ResetBody }>(
    '/console/api/groups/:group/reset-offsets',
    {
      schema: {
        tags,
        summary: "Preview or apply a reset of a group's committed offsets on a topic",
        params: { type: 'object', properties: { group: { type: 'string', minLength: 1 } }, required: ['group'] },
        body: {
          type: 'object',
          properties: {
            topic: { type: 'string', minLength: 1, maxLength: 249 },
            partitions: { type: 'array', items: { type: 'integer', minimum: 0 } },
            to: { type: 'string', enum: ['earliest', 'latest', 'timestamp', 'offset'] },
            timestamp: { type: 'integer', minimum: 0 },
            offset: { type: 'integer', minimum: 0 },
            dry_run: { type: 'boolean' },
          },
          required: ['topic', 'to'],
        },
        response: { 200: anyObject, ...consoleErrors },
      },
    },
    async (request) =>
      consoleRoute(async () => {
        const b = request.body;
        const admin = ctx.kafka.admin;
        const topic = (await describeTopics(admin, [b.topic])).get(b.topic);
        if (!topic) throw new HttpError(404, 40403, `Topic ${b.topic} cannot be found.`);
        const all = topic.partitions.map((p) => p.partition);
        const chosen = b.partitions && b.partitions.length > 0 ? b.partitions : all;
        for (const p of chosen) if (!all.includes(p)) throw new HttpError(404, 40402, `Partition ${p} cannot be found.`);
        if (b.to === 'timestamp' && b.timestamp === undefined) throw new HttpError(422, 422, 'to=timestamp needs a timestamp (ms since the epoch)');
        if (b.to === 'offset' && b.offset === undefined) throw new HttpError(422, 422, 'to=offset needs an offset');
        const group = await describeAnyGroup(admin, request.params.group);
        const tps = chosen.map((partition) => ({ topic: topic.name, partition }));
        const [committed, starts, ends, at] = await Promise.all([
          committedOffsets(admin, request.params.group),
          listOffsetsAt(admin, tps, EARLIEST_TIMESTAMP),
          listOffsetsAt(admin, tps, LATEST_TIMESTAMP),
          b.to === 'timestamp' ? listOffsetsAt(admin, tps, BigInt(b.timestamp!)) : Promise.resolve(null),
        ]);
        const changes = chosen.map((partition) => {
          const key = partitionKey(topic.name, partition);
          const start = starts.get(key) ?? 0n;
          const end = ends.get(key) ?? 0n;
          let target: bigint;
          if (b.to === 'earliest') target = start;
          else if (b.to === 'latest') target = end;
          else if (b.to === 'timestamp') target = (at?.get(key) ?? -1n) < 0n ? end : at!.get(key)!;
          // An offset outside the log is clamped into it, as kafka-consumer-groups does.
          else target = BigInt(b.offset!) < start ? start : BigInt(b.offset!) > end ? end : BigInt(b.offset!);
          const current = committed.get(key);
          return { topic: topic.name, partition, current: current === undefined ? null : Number(current), target: Number(target), lagAfter: Number(end - target) };
        });
        const active = group.members.length;
        if (b.dry_run) return { group: request.params.group, state: group.state, activeMembers: active, applied: false, changes };
        if (active > 0) throw new HttpError(409, 409, `Group ${request.params.group} has ${active} active member(s); stop its consumers before resetting its offsets.`);
        await commitAsSimpleConsumer(admin, request.params.group, changes.map((c) => ({ topic: c.topic, partition: c.partition, offset: BigInt(c.target) })));
        return { group: request.params.group, state: group.state, activeMembers: 0, applied: true, changes };
      }),
  );
  app.get('/console/api/share-groups', { schema: { tags, summary: 'Share groups with their members and per-partition lag', response: { 200: anyObject, ...consoleErrors } } }, async () =>
    consoleRoute(async () => {
      const ids = [...(await ctx.kafka.admin.listGroups({ types: ['share'] }).catch(() => new Map())).keys()].sort();
      const groups = await Promise.all(ids.map((id) => describeShareGroup(ctx.kafka.admin, id)));
      return {
        groups: groups
          .filter((g) => g !== null)
          .map((g) => ({
            ...g,
            partitions: g.partitions.map((p) => ({ ...p, startOffset: Number(p.startOffset), lag: Number(p.lag) })),
          })),
      };
    }),
  );
}
