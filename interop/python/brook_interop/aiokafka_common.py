"""Shared helpers for the aiokafka (pure-Python asyncio client) scenarios."""
import asyncio
from typing import Awaitable, Callable

from aiokafka import AIOKafkaConsumer, TopicPartition
from aiokafka.admin import AIOKafkaAdminClient, NewTopic
from aiokafka.structs import ConsumerRecord

from . import check
from .registry import Context


def run(body: Callable[[Context], Awaitable[None]]) -> Callable[[Context], None]:
    """Adapts an async scenario to the registry's synchronous signature."""
    def scenario(ctx: Context) -> None:
        asyncio.run(body(ctx))

    scenario.__name__ = body.__name__
    return scenario


async def admin(ctx: Context) -> AIOKafkaAdminClient:
    a = AIOKafkaAdminClient(bootstrap_servers=ctx.bootstrap)
    await a.start()
    return a


async def create_topic(ctx: Context, topic: str, partitions: int) -> None:
    a = await admin(ctx)
    try:
        response = await a.create_topics([NewTopic(topic, partitions, 1)])
        for entry in response.topic_errors:
            check.equal(0, entry[1], f"create_topics error for {entry[0]}")
    finally:
        await a.close()


async def read_to_end(ctx: Context, topic: str, partitions: int, isolation_level: str = "read_uncommitted") -> list[ConsumerRecord]:
    """Reads every partition from the beginning to the end offsets taken now (the last stable offset under
    read_committed: aiokafka's end_offsets follows the consumer's isolation level)."""
    c = AIOKafkaConsumer(bootstrap_servers=ctx.bootstrap, isolation_level=isolation_level, enable_auto_commit=False)
    await c.start()
    try:
        tps = [TopicPartition(topic, p) for p in range(partitions)]
        c.assign(tps)
        await c.seek_to_beginning(*tps)
        end = await c.end_offsets(tps)
        got: list[ConsumerRecord] = []

        async def step() -> bool:
            batches = await c.getmany(timeout_ms=100)
            for records in batches.values():
                got.extend(records)
            positions = [await c.position(tp) for tp in tps]
            return all(pos >= end[tp] for pos, tp in zip(positions, tps))

        await check.eventually_async(60, f"{topic} read to {end}", step, lambda: f"{len(got)} records")
        return got
    finally:
        await c.stop()
