// Differential: the request sequences real clients sent (the golden captures of
// test/fixtures/golden: kcat, confluent-kafka, kafka-python, KafkaJS, @platformatic/kafka) are
// replayed against Brook and against Apache Kafka, request by request and in the order a client
// sends them (ApiVersions, Metadata, Produce, Fetch, ListOffsets, FindCoordinator, JoinGroup twice
// (KIP-394), SyncGroup, Heartbeat, OffsetCommit, OffsetFetch, LeaveGroup), and the answers are
// compared field by field after normalise(). Each broker's own ids (member id, generation, topic
// id) are carried into that broker's later requests, as a client would. Requests at versions
// Kafka 4 no longer serves (KIP-896) are sent to Brook alone, which must still answer them.
// Every difference found must be one of docs/compatibility.md's (known-differences.ts).
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { apiByKey, apis } from '../../src/protocol/messages/index.js';
import { decodeRequestBody, decodeRequestHeader } from '../../src/protocol/headers.js';
import type { ApiDefinition } from '../../src/protocol/primitives/codec.js';
import { ErrorCode } from '../../src/protocol/errors.js';
import { loadGoldenFixtures, type GoldenFixture } from '../protocol/golden-fixtures.js';
import { uniqueName } from '../helpers/target.js';
import { awaitTopics, startPeers, PEERS, type PeerName, type Peers } from './peers.js';
import { differences, normalise, type Difference } from './normalise.js';
import { explain } from './known-differences.js';
import type { WireClient } from '../broker/admin-wire.js';

let peers: Peers;
before(async () => {
  peers = await startPeers();
});
after(async () => {
  await peers?.close();
});

/** COORDINATOR_LOAD_IN_PROGRESS, COORDINATOR_NOT_AVAILABLE, NOT_COORDINATOR: retriable, clients retry. */
const COORDINATOR_NOT_READY = new Set([14, 15, 16]);

/** The top-level error code of a group or coordinator answer (FindCoordinator v4+ nests it). */
function coordinatorError(res: Record<string, unknown>): number {
  const nested = Array.isArray(res.coordinators) ? (res.coordinators[0] as { errorCode?: number } | undefined)?.errorCode : undefined;
  return Number(nested ?? res.errorCode ?? 0);
}

/** The order a client sends these in; JoinGroup without a member id comes before the one with. */
const ORDER = [18, 3, 0, 1, 2, 10, 11, 14, 12, 8, 9, 13];
function ordered(fixtures: GoldenFixture[]): GoldenFixture[] {
  const rank = (f: GoldenFixture) => ORDER.indexOf(f.apiKey) * 10 + (f.variant === 'member-id' ? 1 : 0);
  return [...fixtures].sort((a, b) => rank(a) - rank(b) || a.path.localeCompare(b.path));
}

interface Session {
  client: WireClient;
  topic: string;
  group: string;
  topicId: string;
  memberId: string;
  generationId: number;
}

/** The golden topic's name inside consumer-protocol bytes (int16 length + UTF-8), renamed. */
function renameInBytes(bytes: Buffer, from: string, to: string): Buffer {
  const needle = Buffer.concat([Buffer.from([0, from.length]), Buffer.from(from)]);
  const replacement = Buffer.concat([Buffer.from([to.length >> 8, to.length & 0xff]), Buffer.from(to)]);
  const parts: Buffer[] = [];
  let at = 0;
  for (let i = bytes.indexOf(needle); i >= 0; i = bytes.indexOf(needle, at)) {
    parts.push(bytes.subarray(at, i), replacement);
    at = i + needle.length;
  }
  parts.push(bytes.subarray(at));
  return Buffer.concat(parts);
}

/** The captured request, addressed to this broker's topic, group and member. */
function rewrite(value: unknown, s: Session, key = ''): unknown {
  if (typeof value === 'string') {
    if (value === 'golden') return s.topic;
    if (value === 'golden-group') return s.group;
    if (key === 'memberId' && value !== '' && s.memberId !== '') return s.memberId;
    if (key === 'topicId' && value !== 'AAAAAAAAAAAAAAAAAAAAAA') return s.topicId;
    return value;
  }
  if (typeof value === 'number' && (key === 'generationId' || key === 'generationIdOrMemberEpoch') && value !== -1) return s.generationId;
  if (Buffer.isBuffer(value)) return key === 'metadata' || key === 'assignment' ? renameInBytes(value, 'golden', s.topic) : value;
  if (Array.isArray(value)) return value.map((v) => rewrite(v, s));
  if (value !== null && typeof value === 'object') {
    return Object.fromEntries(Object.entries(value).map(([k, v]) => [k, rewrite(v, s, k)]));
  }
  return value;
}

async function openSession(peer: PeerName, client: string): Promise<Session> {
  const c = await peers.connect(peer);
  // The same name on both brokers, so consumer-protocol bytes that carry it compare equal.
  const topic = uniqueName(`golden-${client}`);
  const created = await c.request(apis.CreateTopics, 7, { topics: [{ name: topic, numPartitions: 1, replicationFactor: 1, assignments: [], configs: [] }], timeoutMs: 10_000, validateOnly: false });
  assert.equal(created.topics[0]!.errorCode, ErrorCode.NONE, `${peer}: create ${topic}: ${created.topics[0]!.errorMessage}`);
  await awaitTopics(c, [topic]);
  return { client: c, topic, group: `${topic}-group`, topicId: created.topics[0]!.topicId, memberId: '', generationId: -1 };
}

/** Names that differ per broker by design (each its own topic and group), mapped to one spelling. */
function unname(value: unknown, s: Session): unknown {
  return JSON.parse(JSON.stringify(value, (_k, v: unknown) => (typeof v === 'bigint' ? v.toString() : v === s.topic ? 'golden' : v === s.group ? 'golden-group' : v)));
}

for (const client of [...new Set(loadGoldenFixtures().map((f) => f.client))]) {
  test(`${client}: its captured requests get the same answers from Brook and Kafka`, async (t) => {
    const fixtures = ordered(loadGoldenFixtures().filter((f) => f.client === client));
    const sessions = { brook: await openSession('brook', client), kafka: await openSession('kafka', client) };
    const unexplained: string[] = [];
    try {
      for (const f of fixtures) {
        const frame = f.frame.subarray(4);
        const header = decodeRequestHeader(frame);
        const api = apiByKey(header.apiKey) as ApiDefinition<unknown, unknown>;
        const body = decodeRequestBody(frame, header, api.request);
        if (!peers.bothServe(header.apiKey, header.apiVersion)) {
          // KIP-896: Kafka 4 refuses it; Brook still serves it and must answer.
          const res = (await sessions.brook.client.request(api, header.apiVersion, rewrite(body, sessions.brook) as never)) as { errorCode?: number };
          t.diagnostic(`${f.path}: ${api.name} v${header.apiVersion} served by Brook only`);
          assert.ok(res !== undefined);
          continue;
        }
        const answers = {} as Record<PeerName, unknown>;
        for (const peer of PEERS) {
          const s = sessions[peer];
          let res = (await s.client.request(api, header.apiVersion, rewrite(body, s) as never)) as Record<string, unknown>;
          // As a client does: retry while the group coordinator is still being set up. Kafka creates
          // __consumer_offsets on the first FindCoordinator and loads it; Brook has it at once.
          for (let retry = 0; COORDINATOR_NOT_READY.has(coordinatorError(res)) && retry < 100; retry++) {
            if (retry === 0) t.diagnostic(`${f.path}: ${peer} answered ${api.name} with error ${coordinatorError(res)} first; retrying as a client does`);
            await new Promise((r) => setTimeout(r, 100));
            res = (await s.client.request(api, header.apiVersion, rewrite(body, s) as never)) as Record<string, unknown>;
          }
          if (header.apiKey === apis.JoinGroup.apiKey) {
            s.memberId = String(res.memberId);
            s.generationId = Number(res.generationId);
          }
          // A request for every topic (Metadata v0 with none named) sees other tests' topics too.
          if (header.apiKey === apis.Metadata.apiKey && Array.isArray(res.topics)) res = { ...res, topics: (res.topics as { name: string }[]).filter((x) => x.name === s.topic) };
          answers[peer] = unname(normalise(res), s);
        }
        const found: Difference[] = differences(answers.brook, answers.kafka);
        for (const d of found) {
          const why = explain(api.name, d, answers);
          if (why) t.diagnostic(`${f.path} ${api.name} v${header.apiVersion} ${d.path}: known difference (${why})`);
          else unexplained.push(`${f.path} ${api.name} v${header.apiVersion} ${d.path}: Brook ${JSON.stringify(d.brook)}, Kafka ${JSON.stringify(d.kafka)}`.slice(0, 600));
        }
      }
    } finally {
      for (const peer of PEERS) sessions[peer].client.close();
    }
    assert.deepEqual(unexplained, [], 'differences not in docs/compatibility.md');
  });
}
