"""aiokafka transactions: commit, abort, read_committed, and consume-transform-produce with
send_offsets_to_transaction."""
from aiokafka import AIOKafkaConsumer, AIOKafkaProducer, TopicPartition

from . import check
from .aiokafka_common import admin, create_topic, read_to_end, run
from .registry import Context, scenario


async def transactions(ctx: Context) -> None:
    topic = ctx.name("t")
    await create_topic(ctx, topic, 2)
    p = AIOKafkaProducer(bootstrap_servers=ctx.bootstrap, transactional_id=ctx.name("txn"))
    await p.start()
    committed: list[str] = []
    everything: list[str] = []
    try:
        for tag in ["c1", "a2", "c3"]:
            values = [f"{tag}-{i}" for i in range(10)]
            await p.begin_transaction()
            for i, v in enumerate(values):
                await p.send(topic, value=v.encode(), partition=i % 2)
            if tag.startswith("a"):
                await p.flush()
                await p.abort_transaction()
            else:
                await p.commit_transaction()
                committed += values
            everything += values
    finally:
        await p.stop()
    got = [r.value.decode() for r in await read_to_end(ctx, topic, 2, "read_committed")]
    check.equal(sorted(committed), sorted(got), "read_committed sees committed transactions only")
    got = [r.value.decode() for r in await read_to_end(ctx, topic, 2, "read_uncommitted")]
    check.equal(sorted(everything), sorted(got), "read_uncommitted sees aborted records too")


async def consume_transform_produce(ctx: Context) -> None:
    source, sink, group = ctx.name("in"), ctx.name("out"), ctx.name("g")
    await create_topic(ctx, source, 2)
    await create_topic(ctx, sink, 2)
    plain = AIOKafkaProducer(bootstrap_servers=ctx.bootstrap)
    await plain.start()
    try:
        for i in range(30):
            await plain.send(source, value=f"v{i}".encode(), partition=i % 2)
        await plain.flush()
    finally:
        await plain.stop()
    c = AIOKafkaConsumer(source, bootstrap_servers=ctx.bootstrap, group_id=group, enable_auto_commit=False,
                         auto_offset_reset="earliest", isolation_level="read_committed", max_poll_records=7)
    p = AIOKafkaProducer(bootstrap_servers=ctx.bootstrap, transactional_id=ctx.name("ctp"))
    await c.start()
    await p.start()
    aborted = 0
    done = {0: False, 1: False}
    try:
        async def step() -> bool:
            nonlocal aborted
            batches = await c.getmany(timeout_ms=100, max_records=7)
            if batches:
                await p.begin_transaction()
                offsets = {}
                for tp, records in batches.items():
                    for r in records:
                        await p.send(sink, value=r.value.decode().upper().encode())
                    offsets[tp] = records[-1].offset + 1
                await p.send_offsets_to_transaction(offsets, group)
                if aborted == 0:
                    aborted += 1
                    await p.abort_transaction()
                    for tp, records in batches.items():
                        c.seek(tp, records[0].offset)
                else:
                    await p.commit_transaction()
                    for tp, records in batches.items():
                        if records[-1].offset == 14:
                            done[tp.partition] = True
            return all(done.values())

        await check.eventually_async(60, "every input record transformed", step, lambda: done)
    finally:
        await p.stop()
        await c.stop()
    got = [r.value.decode() for r in await read_to_end(ctx, sink, 2, "read_committed")]
    check.equal(sorted(f"V{i}" for i in range(30)), sorted(got), "output: each input exactly once")
    a = await admin(ctx)
    try:
        offsets = await a.list_consumer_group_offsets(group)
        check.equal({0: 15, 1: 15}, {tp.partition: o.offset for tp, o in offsets.items() if tp.topic == source},
                    "offsets committed in transactions")
    finally:
        await a.close()
    check.equal(1, aborted, "one transaction aborted")


scenario("aiokafka.transactions")(run(transactions))
scenario("aiokafka.consume-transform-produce")(run(consume_transform_produce))
