"""Shared helpers for the confluent-kafka (librdkafka) scenarios."""
from confluent_kafka import Consumer, Message, TopicPartition
from confluent_kafka.admin import AdminClient, NewTopic

from . import check
from .registry import Context


_admins: dict[str, AdminClient] = {}


def admin(ctx: Context) -> AdminClient:
    """One AdminClient per broker for the whole run: librdkafka fails a handle's pending futures (_DESTROY) when
    the handle is garbage-collected, so callers must not hold the only reference while waiting on a result."""
    if ctx.bootstrap not in _admins:
        _admins[ctx.bootstrap] = AdminClient({"bootstrap.servers": ctx.bootstrap})
    return _admins[ctx.bootstrap]


def create_topic(ctx: Context, topic: str, partitions: int, config: dict[str, str] | None = None) -> None:
    futures = admin(ctx).create_topics([NewTopic(topic, partitions, 1, config=config or {})], operation_timeout=30)
    futures[topic].result(30)


def consumer(ctx: Context, **extra) -> Consumer:
    config = {
        "bootstrap.servers": ctx.bootstrap,
        "group.id": extra.pop("group_id", ctx.name("reader")),
        "auto.offset.reset": "earliest",
        "enable.auto.commit": False,
    }
    config.update({k.replace("_", "."): v for k, v in extra.items()})
    return Consumer(config)


def read_to_end(c: Consumer, topic: str, partitions: int, limit_s: float = 60) -> list[Message]:
    """Assigns every partition from the beginning and reads until each position reaches the high watermark taken
    now. Positions, not the last record's offset, because transaction markers occupy offsets no record has
    (every transaction here is finished before reading, so the last stable offset is the high watermark)."""
    tps = [TopicPartition(topic, p, 0) for p in range(partitions)]
    c.assign(tps)
    end = {p: c.get_watermark_offsets(TopicPartition(topic, p), timeout=30, cached=False)[1] for p in range(partitions)}
    got: list[Message] = []

    def step() -> bool:
        m = c.poll(0.1)
        if m is not None:
            if m.error():
                raise check.ScenarioFailure(f"consumer error: {m.error()}")
            got.append(m)
        positions = c.position([TopicPartition(topic, p) for p in range(partitions)])
        return all(end[tp.partition] == 0 or tp.offset >= end[tp.partition] for tp in positions)

    check.eventually(limit_s, f"{topic} read to {end}", step, lambda: f"{len(got)} records, positions {c.position(tps)}")
    return got
