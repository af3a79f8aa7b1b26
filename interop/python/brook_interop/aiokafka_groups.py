"""aiokafka consumer groups (classic protocol, eager): join, split, leave, commits, and the group as the
admin client describes it."""
import asyncio

from aiokafka import AIOKafkaConsumer, AIOKafkaProducer, TopicPartition
from aiokafka.coordinator.assignors.roundrobin import RoundRobinPartitionAssignor

from . import check
from .aiokafka_common import admin, create_topic, run
from .registry import Context, scenario

PARTITIONS = 4


class Member:
    """One aiokafka consumer polled in its own task; commits after each batch so a rebalance never re-delivers."""

    def __init__(self, ctx: Context, name: str, group: str, topic: str) -> None:
        self.name = name
        self.values: list[str] = []
        self.consumer = AIOKafkaConsumer(topic, bootstrap_servers=ctx.bootstrap, group_id=group, client_id=name,
                                         enable_auto_commit=False, auto_offset_reset="earliest",
                                         heartbeat_interval_ms=500, session_timeout_ms=10_000,
                                         partition_assignment_strategy=(RoundRobinPartitionAssignor,))
        self.task: asyncio.Task | None = None
        self.stopping = False

    async def start(self) -> "Member":
        await self.consumer.start()
        self.task = asyncio.create_task(self._loop())
        return self

    async def _loop(self) -> None:
        while not self.stopping:
            batches = await self.consumer.getmany(timeout_ms=100)
            if batches:
                for records in batches.values():
                    self.values.extend(r.value.decode() for r in records)
                await self.consumer.commit()

    @property
    def assignment(self) -> set[int]:
        return {tp.partition for tp in self.consumer.assignment()}

    def failed(self) -> None:
        if self.task is not None and self.task.done() and self.task.exception() is not None:
            raise check.ScenarioFailure(f"{self.name} failed: {self.task.exception()!r}")

    async def stop(self) -> None:
        self.stopping = True
        if self.task is not None:
            await self.task
        await self.consumer.stop()

    def __repr__(self) -> str:
        return f"{self.name}{sorted(self.assignment)} consumed={len(self.values)}"


async def produce(ctx: Context, topic: str, tag: str, count: int) -> list[str]:
    p = AIOKafkaProducer(bootstrap_servers=ctx.bootstrap)
    await p.start()
    try:
        values = [f"{tag}-{i}" for i in range(count)]
        for i, v in enumerate(values):
            await p.send(topic, value=v.encode(), partition=i % PARTITIONS)
        await p.flush()
        return values
    finally:
        await p.stop()


async def wait_for(members: list[Member], what: str, condition) -> None:
    async def step() -> bool:
        for m in members:
            m.failed()
        await asyncio.sleep(0.05)
        return condition()

    await check.eventually_async(45, what, step, lambda: members)


def split(members: list[Member]) -> bool:
    owned = [p for m in members for p in m.assignment]
    return all(m.assignment for m in members) and sorted(owned) == list(range(PARTITIONS))


async def groups(ctx: Context) -> None:
    topic, group = ctx.name("t"), ctx.name("g")
    await create_topic(ctx, topic, PARTITIONS)
    produced = await produce(ctx, topic, "a", 40)
    earlier: list[str] = []
    a = await Member(ctx, "a", group, topic).start()
    try:
        await wait_for([a], "a to own every partition", lambda: split([a]) and len(a.values) >= 40)
        b = await Member(ctx, "b", group, topic).start()
        await wait_for([a, b], "a and b to split the partitions", lambda: split([a, b]))
        check.that(a.assignment in ({0, 2}, {1, 3}), f"round-robin assignment of a: {a.assignment}")
        ad = await admin(ctx)
        try:
            [response] = await ad.describe_consumer_groups([group])
            described = response.to_object()["groups"][0]
            check.equal("Stable", described["state"], "group state")
            check.equal("roundrobin", described["protocol"], "protocol chosen by the coordinator")
            check.equal(2, len(described["members"]), "members described")
        finally:
            await ad.close()
        produced += await produce(ctx, topic, "b", 40)
        await wait_for([a, b], "80 records consumed", lambda: len(a.values) + len(b.values) >= 80)
        await b.stop()
        earlier += b.values
        await wait_for([a], "a to own every partition after b left", lambda: split([a]))
        produced += await produce(ctx, topic, "c", 20)
        await wait_for([a], "100 records consumed", lambda: len(earlier) + len(a.values) >= 100)
    finally:
        await a.stop()
    check.equal(sorted(produced), sorted(earlier + a.values), "each record consumed exactly once")
    ad = await admin(ctx)
    try:
        offsets = await ad.list_consumer_group_offsets(group)
        check.equal({p: (40 + 40 + 20) // PARTITIONS for p in range(PARTITIONS)},
                    {tp.partition: o.offset for tp, o in offsets.items()}, "committed offsets")
    finally:
        await ad.close()


scenario("aiokafka.groups")(run(groups))
