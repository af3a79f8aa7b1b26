// The two brokers a differential test talks to side by side: an in-process Brook and the real
// Apache Kafka (the run's shared one from scripts/run-tests.mjs, or one of its own). Both are
// single nodes with node id 0 on 127.0.0.1, so node ids and hosts need no normalising.
import { startTestBroker, type TestBroker } from '../helpers/broker.js';
import { startKafkaBroker, type KafkaBroker } from '../helpers/kafka-broker.js';
import { apis } from '../../src/protocol/messages/index.js';
import { WireClient } from '../broker/admin-wire.js';

export type PeerName = 'brook' | 'kafka';
export const PEERS: readonly PeerName[] = ['brook', 'kafka'];

export interface Peers {
  readonly port: Record<PeerName, number>;
  /** API key -> [min, max] served, from each broker's ApiVersions. */
  readonly versions: Record<PeerName, Map<number, [number, number]>>;
  readonly brook: TestBroker;
  connect(peer: PeerName): Promise<WireClient>;
  /** Both serve `apiKey` at `version`. */
  bothServe(apiKey: number, version: number): boolean;
  close(): Promise<void>;
}

async function apiVersions(port: number): Promise<Map<number, [number, number]>> {
  const c = await WireClient.connect(port);
  try {
    const res = await c.request(apis.ApiVersions, 3, { clientSoftwareName: 'brook-differential', clientSoftwareVersion: '1' });
    return new Map(res.apiKeys.map((k) => [k.apiKey, [k.minVersion, k.maxVersion] as [number, number]]));
  } finally {
    c.close();
  }
}

/**
 * Waits until the broker's metadata shows `topics` with a leader for every partition. Kafka's
 * controller commits a new topic before its brokers' metadata caches have it (KRaft publishes it
 * to them a moment later), so a client that produces at once gets UNKNOWN_TOPIC_OR_PARTITION and
 * retries; Brook knows the topic when CreateTopics answers.
 */
export async function awaitTopics(c: WireClient, topics: readonly string[]): Promise<void> {
  for (let attempt = 0; ; attempt++) {
    const md = await c.request(apis.Metadata, 12, { topics: topics.map((name) => ({ name, topicId: 'AAAAAAAAAAAAAAAAAAAAAA' })), allowAutoTopicCreation: false, includeTopicAuthorizedOperations: false });
    if (md.topics.every((t) => t.errorCode === 0 && t.partitions.length > 0 && t.partitions.every((p) => p.leaderId >= 0))) return;
    if (attempt >= 200) throw new Error(`topics ${topics.join(', ')} not in the metadata: ${JSON.stringify(md.topics.map((t) => [t.name, t.errorCode]))}`);
    await new Promise((r) => setTimeout(r, 50));
  }
}

export async function startPeers(): Promise<Peers> {
  // Brook with the settings the shared Kafka test broker has (test/helpers/kafka-broker.ts).
  const brook = await startTestBroker({ config: { 'group.initial.rebalance.delay.ms': '0', 'group.min.session.timeout.ms': '500', 'num.partitions': '1', 'auto.create.topics.enable': 'true' } });
  let own: KafkaBroker | undefined;
  const shared = process.env.BROOK_TEST_KAFKA_BOOTSTRAP;
  let kafkaPort: number;
  if (shared) kafkaPort = Number(shared.slice(shared.lastIndexOf(':') + 1));
  else {
    own = await startKafkaBroker();
    kafkaPort = own.port;
  }
  const port = { brook: brook.port, kafka: kafkaPort };
  const versions = { brook: await apiVersions(port.brook), kafka: await apiVersions(port.kafka) };
  return {
    port,
    versions,
    brook,
    connect: (peer) => WireClient.connect(port[peer]),
    bothServe: (apiKey, version) =>
      PEERS.every((p) => {
        const r = versions[p].get(apiKey);
        return r !== undefined && version >= r[0] && version <= r[1];
      }),
    close: async () => {
      await brook.close();
      await own?.stop();
    },
  };
}
