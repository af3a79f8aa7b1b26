"""aiokafka's admin client: topics, partitions, configs (legacy AlterConfigs), groups and delete_records."""
from aiokafka import AIOKafkaConsumer, AIOKafkaProducer, TopicPartition
from aiokafka.admin import NewPartitions, NewTopic, RecordsToDelete
from aiokafka.admin.config_resource import ConfigResource, ConfigResourceType

from . import check
from .aiokafka_common import admin, run
from .registry import Context, scenario


def config_entries(responses) -> dict[str, str]:
    out: dict[str, str] = {}
    for response in responses:
        for resource in response.resources:
            check.equal(0, resource[0], f"describe_configs error for {resource[3]}: {resource[1]}")
            for entry in resource[4]:
                out[entry[0]] = entry[1]
    return out


async def admin_scenario(ctx: Context) -> None:
    a = await admin(ctx)
    try:
        cluster = await a.describe_cluster()
        check.equal(1, len(cluster["brokers"]), "brokers in describe_cluster")
        topic = ctx.name("t")
        response = await a.create_topics([NewTopic(topic, 2, 1, topic_configs={"retention.ms": "3600000"})])
        check.equal([0], [e[1] for e in response.topic_errors], "create_topics errors")
        response = await a.create_topics([NewTopic(topic, 2, 1)])
        check.equal([36], [e[1] for e in response.topic_errors], "creating an existing topic: TOPIC_ALREADY_EXISTS")
        check.that(topic in await a.list_topics(), "list_topics")
        await a.create_partitions({topic: NewPartitions(3)})
        [described] = await a.describe_topics([topic])
        check.equal(3, len(described["partitions"]), "partitions after create_partitions")

        res = ConfigResource(ConfigResourceType.TOPIC, topic)
        check.equal("3600000", config_entries(await a.describe_configs([res]))["retention.ms"], "retention.ms as created")
        responses = await a.alter_configs([ConfigResource(ConfigResourceType.TOPIC, topic, {"cleanup.policy": "compact"})])
        for r in responses:
            for resource in r.resources:
                check.equal(0, resource[0], f"alter_configs error: {resource[1]}")
        entries = config_entries(await a.describe_configs([res]))
        check.equal("compact", entries["cleanup.policy"], "cleanup.policy after alter_configs")
        check.equal("604800000", entries["retention.ms"], "retention.ms reset by the legacy AlterConfigs")

        # A group with committed offsets, then listed, described, its offsets read; records deleted.
        group = ctx.name("g")
        p = AIOKafkaProducer(bootstrap_servers=ctx.bootstrap)
        await p.start()
        for i in range(10):
            await p.send(topic, key=b"k", value=f"v{i}".encode(), partition=0)  # compacted now: keys required
        await p.stop()
        c = AIOKafkaConsumer(topic, bootstrap_servers=ctx.bootstrap, group_id=group, auto_offset_reset="earliest", enable_auto_commit=False)
        await c.start()
        seen = 0

        async def ten() -> bool:
            nonlocal seen
            seen += sum(len(v) for v in (await c.getmany(timeout_ms=100)).values())
            return seen >= 10
        await check.eventually_async(30, "10 records", ten, lambda: seen)
        await c.commit()
        await c.stop()
        groups = await a.list_consumer_groups()
        check.that(any(g[0] == group for g in groups), f"list_consumer_groups has {group}: {groups}")
        offsets = await a.list_consumer_group_offsets(group)
        check.equal(10, offsets[TopicPartition(topic, 0)].offset, "committed offset")
        low = await a.delete_records({TopicPartition(topic, 0): RecordsToDelete(6)})
        check.equal(6, low[TopicPartition(topic, 0)], "low watermark after delete_records")

        response = await a.delete_topics([topic])
        check.equal([0], [e[1] for e in response.topic_error_codes], "delete_topics errors")
        check.that(topic not in await a.list_topics(), "list_topics after delete")
    finally:
        await a.close()


scenario("aiokafka.admin")(run(admin_scenario))
