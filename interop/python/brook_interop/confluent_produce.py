"""confluent-kafka (librdkafka) producer and consumer: idempotence with every codec, acks 0/1/all, read back."""
import time

from confluent_kafka import Producer, TopicPartition

from . import check
from .confluent_common import consumer, create_topic, read_to_end
from .registry import Context, scenario

CODECS = ["none", "gzip", "snappy", "lz4", "zstd"]


def produce(ctx: Context, topic: str, tag: str, count: int, config: dict) -> list[tuple]:
    """Produces `count` records (keys cycling per tag, two headers, explicit timestamps, every 40th value 200 KiB of
    compressible text); returns (key, value, timestamp, partition, offset) per delivery report."""
    p = Producer({"bootstrap.servers": ctx.bootstrap, "linger.ms": 5, **config})
    reports: list[tuple] = []
    errors: list = []
    base = int(time.time() * 1000) - 60_000

    def delivered(err, msg):
        if err is not None:
            errors.append(err)
        else:
            reports.append((msg.key().decode(), msg.value().decode(), msg.timestamp()[1], msg.partition(), msg.offset()))

    for i in range(count):
        value = f"{tag}-{i}" + ("-" + "brook" * 40_000 if i % 40 == 0 else "")
        p.produce(topic, key=f"{tag}:k{i % 7}", value=value, timestamp=base + i,
                  headers=[("tag", tag.encode()), ("seq", str(i).encode())], on_delivery=delivered)
        p.poll(0)
    remaining = p.flush(30)
    check.equal(0, remaining, f"{tag}: records still in the queue after flush")
    check.equal([], errors, f"{tag}: delivery errors")
    check.equal(count, len(reports), f"{tag}: delivery reports")
    return reports


def check_offsets_rise(tag: str, reports: list[tuple]) -> None:
    last: dict[int, int] = {}
    for (_, _, _, partition, offset) in reports:
        check.that(offset > last.get(partition, -1), f"{tag}: partition {partition} offset {offset} after {last.get(partition)}")
        last[partition] = offset


@scenario("confluent.produce-consume")
def produce_consume(ctx: Context) -> None:
    topic = ctx.name("t")
    create_topic(ctx, topic, 3)
    sent: list[tuple] = []
    for codec in CODECS:
        reports = produce(ctx, topic, codec, 200, {"enable.idempotence": True, "acks": "all", "compression.type": codec,
                                                   "batch.num.messages": 50})
        check_offsets_rise(codec, reports)
        sent += reports
        ctx.log(f"{codec}: 200 records acknowledged")
    for acks in ["0", "1", "all"]:
        reports = produce(ctx, topic, f"acks{acks}", 100, {"enable.idempotence": False, "acks": acks})
        if acks == "0":
            # No response with acks=0: librdkafka reports no offset (None, or OFFSET_INVALID).
            check.that(all(r[4] is None or r[4] < 0 for r in reports), f"acks=0 reports no offsets: {reports[:3]}")
        else:
            check_offsets_rise(f"acks={acks}", reports)
        sent += reports

    # Fetch limits below the batch sizes: the broker must still return each partition's first batch whole (KIP-74).
    c = consumer(ctx, **{"fetch.max.bytes": 4096, "message.max.bytes": 4096, "max.partition.fetch.bytes": 1024})
    try:
        # acks=0 has no acknowledgement: wait until the log ends account for every record.
        def total() -> int:
            return sum(c.get_watermark_offsets(TopicPartition(topic, p), timeout=10, cached=False)[1] for p in range(3))
        check.eventually(30, f"{len(sent)} records in the log", lambda: total() >= len(sent), total)
        got = read_to_end(c, topic, 3)
        check.equal(len(sent), len(got), "records read back")
        by_value = {r[1]: r for r in sent}
        seen: set[str] = set()
        per_key: dict[str, list[str]] = {}
        for m in got:
            value = m.value().decode()
            want = by_value.get(value)
            check.that(want is not None, f"unexpected record {value[:40]}")
            check.that(value not in seen, f"record read twice: {value[:40]}")
            seen.add(value)
            check.equal(want[0], m.key().decode(), f"key of {value[:40]}")
            check.equal(want[2], m.timestamp()[1], f"timestamp of {value[:40]}")
            headers = dict((k, v.decode()) for k, v in (m.headers() or []))
            check.equal(value.split("-")[1], headers.get("seq"), f"seq header of {value[:40]}")
            per_key.setdefault(m.key().decode(), []).append(value[:30])
        expected: dict[str, list[str]] = {}
        for r in sent:
            expected.setdefault(r[0], []).append(r[1][:30])
        check.equal(expected, per_key, "values per key in send order")

        # offsets_for_times: the first offset at or after a timestamp, per partition.
        first = min(got, key=lambda m: m.timestamp()[1])
        found = c.offsets_for_times([TopicPartition(topic, first.partition(), first.timestamp()[1])], timeout=10)
        check.equal(first.offset(), found[0].offset, "offsets_for_times of the earliest timestamp")
    finally:
        c.close()
    ctx.log(f"read back {len(got)} records exactly once, in order per key")
