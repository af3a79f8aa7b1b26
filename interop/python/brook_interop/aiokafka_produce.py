"""aiokafka producer and consumer: idempotence with every codec, acks 0/1/all, read back exactly."""
import time

from aiokafka import AIOKafkaProducer, TopicPartition

from . import check
from .aiokafka_common import create_topic, read_to_end, run
from .registry import Context, scenario

CODECS = [None, "gzip", "snappy", "lz4", "zstd"]


async def produce(ctx: Context, topic: str, tag: str, count: int, **config) -> list[tuple]:
    p = AIOKafkaProducer(bootstrap_servers=ctx.bootstrap, linger_ms=5, **config)
    await p.start()
    base = int(time.time() * 1000) - 60_000
    sent = []
    try:
        futures = []
        for i in range(count):
            key, value = f"{tag}:k{i % 7}", f"{tag}-{i}" + ("-" + "brook" * 40_000 if i % 40 == 0 else "")
            futures.append(await p.send(topic, key=key.encode(), value=value.encode(), timestamp_ms=base + i,
                                        headers=[("seq", str(i).encode())]))
            sent.append((key, value, base + i))
        reports = [await f for f in futures]
    finally:
        await p.stop()
    if config.get("acks") != 0:
        last: dict[int, int] = {}
        for r in reports:
            check.that(r.offset > last.get(r.partition, -1), f"{tag}: offsets rise per partition")
            last[r.partition] = r.offset
    return sent


async def produce_consume(ctx: Context) -> None:
    topic = ctx.name("t")
    await create_topic(ctx, topic, 3)
    sent: list[tuple] = []
    for codec in CODECS:
        sent += await produce(ctx, topic, codec or "none", 200, enable_idempotence=True, acks="all", compression_type=codec)
        ctx.log(f"{codec or 'none'}: 200 records acknowledged")
    for acks in [0, 1, "all"]:
        sent += await produce(ctx, topic, f"acks{acks}", 100, acks=acks)

    # acks=0 has no acknowledgement: wait for the log ends to account for every record, then read everything.
    from aiokafka import AIOKafkaConsumer
    probe = AIOKafkaConsumer(bootstrap_servers=ctx.bootstrap)
    await probe.start()
    try:
        tps = [TopicPartition(topic, p) for p in range(3)]

        async def all_there() -> bool:
            return sum((await probe.end_offsets(tps)).values()) >= len(sent)
        await check.eventually_async(30, f"{len(sent)} records in the log", all_there)
    finally:
        await probe.stop()
    got = await read_to_end(ctx, topic, 3)
    check.equal(len(sent), len(got), "records read back")
    by_value = {v: (k, ts) for (k, v, ts) in sent}
    per_key: dict[str, list[str]] = {}
    seen: set[str] = set()
    for r in got:
        value = r.value.decode()
        check.that(value in by_value and value not in seen, f"unexpected or repeated record {value[:40]}")
        seen.add(value)
        check.equal(by_value[value], (r.key.decode(), r.timestamp), f"key and timestamp of {value[:40]}")
        check.equal(value.split("-")[1], dict(r.headers)["seq"].decode(), f"header of {value[:40]}")
        per_key.setdefault(r.key.decode(), []).append(value[:30])
    expected: dict[str, list[str]] = {}
    for (k, v, _) in sent:
        expected.setdefault(k, []).append(v[:30])
    check.equal(expected, per_key, "values per key in send order")
    ctx.log(f"read back {len(got)} records exactly once, in order per key")


scenario("aiokafka.produce-consume")(run(produce_consume))
