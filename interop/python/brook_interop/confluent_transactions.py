"""confluent-kafka (librdkafka) transactions: commit, abort, read_committed, consume-transform-produce with
send_offsets_to_transaction (KIP-447 group metadata), and fencing by a newer producer with the same id."""
from confluent_kafka import ConsumerGroupTopicPartitions, KafkaError, KafkaException, Producer, TopicPartition

from . import check
from .confluent_common import admin, consumer, create_topic, read_to_end
from .registry import Context, scenario


def transactional(ctx: Context, tid: str) -> Producer:
    p = Producer({"bootstrap.servers": ctx.bootstrap, "transactional.id": tid, "linger.ms": 5})
    p.init_transactions(30)
    return p


@scenario("confluent.transactions")
def transactions(ctx: Context) -> None:
    topic = ctx.name("t")
    create_topic(ctx, topic, 2)
    p = transactional(ctx, ctx.name("txn"))
    committed: list[str] = []
    everything: list[str] = []
    for tag in ["c1", "a2", "c3"]:
        p.begin_transaction()
        values = [f"{tag}-{i}" for i in range(10)]
        for i, v in enumerate(values):
            p.produce(topic, key=f"k{i}", value=v, partition=i % 2)
        if tag.startswith("a"):
            p.flush(30)
            p.abort_transaction(30)
        else:
            p.commit_transaction(30)
            committed += values
        everything += values
    rc = consumer(ctx, **{"isolation.level": "read_committed"})
    try:
        got = [m.value().decode() for m in read_to_end(rc, topic, 2)]
        check.equal(sorted(committed), sorted(got), "read_committed sees committed transactions only")
    finally:
        rc.close()
    ru = consumer(ctx, **{"isolation.level": "read_uncommitted"})
    try:
        got = [m.value().decode() for m in read_to_end(ru, topic, 2)]
        check.equal(sorted(everything), sorted(got), "read_uncommitted sees aborted records too")
    finally:
        ru.close()

    # Fencing: a second producer with the same transactional.id bumps the epoch; the first can no longer commit.
    p.begin_transaction()
    p.produce(topic, value="zombie", partition=0)
    p.flush(30)
    newer = transactional(ctx, ctx.name("txn"))
    try:
        p.commit_transaction(30)
        raise check.ScenarioFailure("a fenced producer committed")
    except KafkaException as e:
        check.that(e.args[0].code() == KafkaError._FENCED and e.args[0].fatal(), f"fenced producer's error: {e}")
    newer.begin_transaction()
    newer.produce(topic, value="alive", partition=0)
    newer.commit_transaction(30)
    rc = consumer(ctx, **{"isolation.level": "read_committed"})
    try:
        got = [m.value().decode() for m in read_to_end(rc, topic, 2)]
        check.that("alive" in got and "zombie" not in got, "the fenced producer's record is aborted, the new one's committed")
    finally:
        rc.close()


@scenario("confluent.consume-transform-produce")
def consume_transform_produce(ctx: Context) -> None:
    source, sink, group = ctx.name("in"), ctx.name("out"), ctx.name("g")
    create_topic(ctx, source, 2)
    create_topic(ctx, sink, 2)
    plain = Producer({"bootstrap.servers": ctx.bootstrap})
    for i in range(30):
        plain.produce(source, key=f"k{i}", value=f"v{i}", partition=i % 2)
    check.equal(0, plain.flush(30), "input flushed")
    c = consumer(ctx, group_id=group, **{"isolation.level": "read_committed"})
    c.subscribe([source])
    p = transactional(ctx, ctx.name("ctp"))
    aborted = 0
    done = {0: False, 1: False}

    def step() -> bool:
        nonlocal aborted
        batch = c.consume(num_messages=7, timeout=0.1)
        if batch:
            p.begin_transaction()
            for m in batch:
                if m.error():
                    raise check.ScenarioFailure(f"consumer error {m.error()}")
                p.produce(sink, key=m.key(), value=m.value().decode().upper())
            positions = c.position(c.assignment())
            p.send_offsets_to_transaction(positions, c.consumer_group_metadata(), 30)
            if aborted == 0:
                aborted += 1
                p.abort_transaction(30)
                # Rewind to the first record of the aborted batch on each partition.
                firsts: dict[int, int] = {}
                for m in batch:
                    firsts.setdefault(m.partition(), m.offset())
                for partition, offset in firsts.items():
                    c.seek(TopicPartition(source, partition, offset))
            else:
                p.commit_transaction(30)
                for m in batch:
                    if m.offset() == 14:
                        done[m.partition()] = True
        return all(done.values())

    check.eventually(60, "every input record transformed", step, lambda: done)
    c.close()
    rc = consumer(ctx, **{"isolation.level": "read_committed"})
    try:
        got = [m.value().decode() for m in read_to_end(rc, sink, 2)]
        check.equal(sorted(f"V{i}" for i in range(30)), sorted(got), "output: each input exactly once")
    finally:
        rc.close()
    result = admin(ctx).list_consumer_group_offsets([ConsumerGroupTopicPartitions(group)])[group].result(30)
    check.equal({0: 15, 1: 15}, {tp.partition: tp.offset for tp in result.topic_partitions}, "offsets committed in transactions")
