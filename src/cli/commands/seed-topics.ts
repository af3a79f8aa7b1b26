// `brook start --seed-topic name:partitions`: topics created as the broker starts, so a
// development setup is one command. An existing topic is left as it is (a restart re-seeds
// harmlessly); any other refusal stops the start with the broker's reason.
import type { Broker } from '../../broker/broker.js';
import { ErrorCode } from '../../protocol/errors.js';
import type { SeedTopic } from './start-options.js';

/** Creates the topics that do not exist yet; returns the names created. */
export async function seedTopics(broker: Broker, seeds: readonly SeedTopic[]): Promise<string[]> {
  const created: string[] = [];
  for (const seed of seeds) {
    const outcome = await broker.state.topics.create({ name: seed.name, numPartitions: seed.partitions, replicationFactor: -1, configs: {} });
    if (outcome.errorCode === ErrorCode.TOPIC_ALREADY_EXISTS) continue;
    if (outcome.errorCode !== ErrorCode.NONE) throw new Error(`cannot create seed topic "${seed.name}": ${outcome.errorMessage ?? `error ${outcome.errorCode}`}`);
    created.push(seed.name);
  }
  return created;
}
