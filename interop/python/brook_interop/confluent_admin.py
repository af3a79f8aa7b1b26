"""confluent-kafka (librdkafka) AdminClient: cluster, topics, partitions, configs (legacy and incremental),
consumer-group listing/description/offsets/deletion, delete_records and list_offsets."""
import time

from confluent_kafka import (ConsumerGroupState, ConsumerGroupTopicPartitions, KafkaError, KafkaException, Producer,
                             TopicCollection, TopicPartition)
from confluent_kafka.admin import (AlterConfigOpType, ConfigEntry, ConfigResource, ConfigSource, NewPartitions, NewTopic,
                                   OffsetSpec, ResourceType)

from . import check
from .confluent_common import admin, consumer, create_topic
from .registry import Context, scenario


def error_code(future) -> int:
    try:
        future.result(30)
    except KafkaException as e:
        return e.args[0].code()
    return KafkaError.NO_ERROR


def configs(a, resource: ConfigResource) -> dict:
    return a.describe_configs([resource])[resource].result(30)


@scenario("confluent.admin-topics-configs")
def topics_and_configs(ctx: Context) -> None:
    a = admin(ctx)
    cluster = a.describe_cluster().result(30)
    check.equal(1, len(cluster.nodes), "nodes")
    check.that(bool(cluster.cluster_id), "cluster id")
    node = cluster.nodes[0]

    topic, dry = ctx.name("t"), ctx.name("dry")
    a.create_topics([NewTopic(topic, 3, 1, config={"retention.ms": "3600000"})])[topic].result(30)
    a.create_topics([NewTopic(dry, 1, 1)], validate_only=True)[dry].result(30)
    check.equal(KafkaError.TOPIC_ALREADY_EXISTS, error_code(a.create_topics([NewTopic(topic, 1, 1)])[topic]), "creating an existing topic")
    listed = a.list_topics(timeout=30).topics
    check.that(topic in listed and dry not in listed, "list_topics after create (validate_only created nothing)")

    described = a.describe_topics(TopicCollection([topic]))[topic].result(30)
    check.equal(3, len(described.partitions), "partitions described")
    check.equal(node.id, described.partitions[0].leader.id, "leader")
    a.create_partitions([NewPartitions(topic, 5)])[topic].result(30)
    check.equal(5, len(a.describe_topics(TopicCollection([topic]))[topic].result(30).partitions), "partitions after create_partitions")
    check.equal(KafkaError.INVALID_PARTITIONS, error_code(a.create_partitions([NewPartitions(topic, 2)])[topic]), "shrinking a topic")

    res = ConfigResource(ResourceType.TOPIC, topic)
    entries = configs(a, res)
    check.equal("3600000", entries["retention.ms"].value, "retention.ms as created")
    check.equal(ConfigSource.DYNAMIC_TOPIC_CONFIG.value, entries["retention.ms"].source, "source of a topic override")

    # Incremental: SET and APPEND, then DELETE and SUBTRACT.
    a.incremental_alter_configs([ConfigResource(ResourceType.TOPIC, topic, incremental_configs=[
        ConfigEntry("retention.ms", "7200000", incremental_operation=AlterConfigOpType.SET),
        ConfigEntry("cleanup.policy", "compact", incremental_operation=AlterConfigOpType.APPEND)])])[res].result(30)
    entries = configs(a, res)
    check.equal("7200000", entries["retention.ms"].value, "retention.ms after SET")
    check.equal("delete,compact", entries["cleanup.policy"].value, "cleanup.policy after APPEND")
    a.incremental_alter_configs([ConfigResource(ResourceType.TOPIC, topic, incremental_configs=[
        ConfigEntry("retention.ms", None, incremental_operation=AlterConfigOpType.DELETE),
        ConfigEntry("cleanup.policy", "delete", incremental_operation=AlterConfigOpType.SUBTRACT)])])[res].result(30)
    entries = configs(a, res)
    check.equal("compact", entries["cleanup.policy"].value, "cleanup.policy after SUBTRACT")
    check.equal(ConfigSource.DEFAULT_CONFIG.value, entries["retention.ms"].source, "retention.ms after DELETE")

    # Legacy AlterConfigs replaces the whole set of overrides: what is not named returns to its default.
    a.alter_configs([ConfigResource(ResourceType.TOPIC, topic, set_config={"segment.ms": "86400000"})])[res].result(30)
    entries = configs(a, res)
    check.equal("86400000", entries["segment.ms"].value, "segment.ms after alter_configs")
    check.equal(ConfigSource.DEFAULT_CONFIG.value, entries["cleanup.policy"].source, "cleanup.policy reset by alter_configs")

    broker = ConfigResource(ResourceType.BROKER, str(node.id))
    check.that("log.retention.hours" in configs(a, broker) or "log.retention.ms" in configs(a, broker), "broker configs")

    a.delete_topics([topic], operation_timeout=30)[topic].result(30)
    check.that(topic not in a.list_topics(timeout=30).topics, "list_topics after delete_topics")


@scenario("confluent.admin-groups-records")
def groups_and_records(ctx: Context) -> None:
    a = admin(ctx)
    topic, group = ctx.name("t"), ctx.name("g")
    create_topic(ctx, topic, 2)
    base = int(time.time() * 1000) - 600_000
    p = Producer({"bootstrap.servers": ctx.bootstrap, "linger.ms": 20})
    for i in range(20):
        # Partition 0 gets timestamps base+0..9 s with one spike at offset 5; partition 1 plain ones.
        ts = base + 100_000 if i == 10 else base + (i // 2) * 1000
        p.produce(topic, key="k", value=f"v{i}", partition=i % 2, timestamp=ts)
    check.equal(0, p.flush(30), "records flushed")

    c = consumer(ctx, group_id=group)
    c.subscribe([topic])
    seen = []
    check.eventually(30, "20 records", lambda: (seen.extend(m for m in [c.poll(0.1)] if m is not None and not m.error()) or len(seen) >= 20))
    c.commit(asynchronous=False)
    check.equal(KafkaError.NON_EMPTY_GROUP, error_code(a.delete_consumer_groups([group])[group]), "deleting an active group")
    c.close()

    listing = a.list_consumer_groups().result(30)
    mine = [g for g in listing.valid if g.group_id == group]
    check.equal(1, len(mine), f"list_consumer_groups has {group}")
    check.equal(ConsumerGroupState.EMPTY, mine[0].state, "listed state")
    description = a.describe_consumer_groups([group])[group].result(30)
    check.equal(ConsumerGroupState.EMPTY, description.state, "described state")

    offsets = a.list_consumer_group_offsets([ConsumerGroupTopicPartitions(group)])[group].result(30)
    check.equal({0: 10, 1: 10}, {tp.partition: tp.offset for tp in offsets.topic_partitions}, "committed offsets")
    a.alter_consumer_group_offsets([ConsumerGroupTopicPartitions(group, [TopicPartition(topic, 0, 3)])])[group].result(30)
    offsets = a.list_consumer_group_offsets([ConsumerGroupTopicPartitions(group)])[group].result(30)
    check.equal({0: 3, 1: 10}, {tp.partition: tp.offset for tp in offsets.topic_partitions}, "offsets after alter")

    tp0 = TopicPartition(topic, 0)
    def offset(spec: OffsetSpec) -> tuple[int, int]:
        info = a.list_offsets({tp0: spec})[tp0].result(30)
        return info.offset, info.timestamp
    check.equal(0, offset(OffsetSpec.earliest())[0], "earliest")
    check.equal(10, offset(OffsetSpec.latest())[0], "latest")
    check.equal((5, base + 100_000), offset(OffsetSpec.max_timestamp()), "max timestamp")
    check.equal(3, offset(OffsetSpec.for_timestamp(base + 2500))[0], "by timestamp")

    deleted = a.delete_records([TopicPartition(topic, 0, 4)])[TopicPartition(topic, 0, 4)].result(30)
    check.equal(4, deleted.low_watermark, "low watermark after delete_records")
    check.equal(4, offset(OffsetSpec.earliest())[0], "earliest after delete_records")

    a.delete_consumer_groups([group])[group].result(30)
    check.that(all(g.group_id != group for g in a.list_consumer_groups().result(30).valid), "group listed after delete")
