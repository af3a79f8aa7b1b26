"""confluent-kafka (librdkafka) consumer groups on the classic protocol: range (eager), cooperative-sticky
(incremental, KIP-429) and static membership (KIP-345)."""
from confluent_kafka import Consumer, ConsumerGroupTopicPartitions, Producer, TopicPartition

from . import check
from .confluent_common import admin, create_topic
from .registry import Context, scenario

PARTITIONS = 4


class Member:
    """One librdkafka consumer; the scenario polls all members in turn (librdkafka rebalances in its own threads
    and runs callbacks from poll). Commits synchronously after every message, so a rebalance never re-delivers."""

    def __init__(self, ctx: Context, name: str, group: str, topic: str, kip848: bool = False, **extra) -> None:
        self.name = name
        self.values: list[str] = []
        self.events: list[tuple[str, list[int]]] = []
        self.assignment: set[int] = set()
        self.topic_partitions: set[tuple[str, int]] = set()
        self.ownership = None  # an Ownership (confluent_kip848.py) told of every callback, when set
        self.closed = False
        config = {"bootstrap.servers": ctx.bootstrap, "group.id": group, "client.id": name, "auto.offset.reset": "earliest", "enable.auto.commit": False}
        if not kip848:
            # KIP-848 members get these from the broker (librdkafka refuses them with group.protocol=consumer).
            config.update({"session.timeout.ms": 10_000, "heartbeat.interval.ms": 500})
        config.update(extra)
        # The consumer protocol rebalances incrementally, as cooperative-sticky does.
        self.cooperative = kip848 or config.get("partition.assignment.strategy") == "cooperative-sticky"
        self.consumer = Consumer(config)
        self.consumer.subscribe([topic], on_assign=self._assigned, on_revoke=self._revoked, on_lost=self._lost)

    def _assigned(self, consumer, partitions):
        self.events.append(("assigned", sorted(p.partition for p in partitions)))
        if self.ownership is not None:
            self.ownership.assigned(self.name, partitions)
        if self.cooperative:
            consumer.incremental_assign(partitions)
            self.assignment |= {p.partition for p in partitions}
            self.topic_partitions |= {(p.topic, p.partition) for p in partitions}
        else:
            consumer.assign(partitions)
            self.assignment = {p.partition for p in partitions}
            self.topic_partitions = {(p.topic, p.partition) for p in partitions}

    def _revoked(self, consumer, partitions):
        self.events.append(("revoked", sorted(p.partition for p in partitions)))
        if self.ownership is not None:
            self.ownership.released(self.name, partitions)
        if self.cooperative:
            consumer.incremental_unassign(partitions)
            self.assignment -= {p.partition for p in partitions}
            self.topic_partitions -= {(p.topic, p.partition) for p in partitions}
        else:
            consumer.unassign()
            self.assignment = set()
            self.topic_partitions = set()

    def _lost(self, consumer, partitions):
        self.events.append(("lost", sorted(p.partition for p in partitions)))
        self._revoked(consumer, partitions)

    def poll(self) -> None:
        m = self.consumer.poll(0.05)
        if m is None:
            return
        if m.error():
            raise check.ScenarioFailure(f"{self.name}: consumer error {m.error()}")
        self.values.append(m.value().decode())
        self.consumer.commit(message=m, asynchronous=False)

    def close(self) -> None:
        if not self.closed:
            self.closed = True
            self.consumer.close()

    def __repr__(self) -> str:
        return f"{self.name}{sorted(self.assignment)} consumed={len(self.values)} events={self.events}"


def produce(ctx: Context, topic: str, tag: str, count: int) -> list[str]:
    p = Producer({"bootstrap.servers": ctx.bootstrap})
    values = [f"{tag}-{i}" for i in range(count)]
    for i, v in enumerate(values):
        p.produce(topic, key=f"k{i}", value=v, partition=i % PARTITIONS)
    check.equal(0, p.flush(30), "records left after flush")
    return values


def poll_until(members: list[Member], what: str, condition, limit_s: float = 45) -> None:
    def step() -> bool:
        for m in members:
            m.poll()
        return condition()

    check.eventually(limit_s, what, step, lambda: members)


def split(members: list[Member]) -> bool:
    owned = [p for m in members for p in m.assignment]
    return all(m.assignment for m in members) and sorted(owned) == list(range(PARTITIONS))


def consumed_exactly(members: list[Member], earlier: list[str], produced: list[str]) -> None:
    poll_until(members, f"all {len(produced)} records consumed", lambda: len(earlier) + sum(len(m.values) for m in members) >= len(produced))
    got = earlier + [v for m in members for v in m.values]
    check.equal(sorted(produced), sorted(got), "each record consumed exactly once")


def committed_at_end(ctx: Context, group: str, topic: str) -> None:
    committed_at_end_of(ctx, group, topic, PARTITIONS)


def committed_at_end_of(ctx: Context, group: str, topic: str, partitions: int) -> None:
    result = admin(ctx).list_consumer_group_offsets([ConsumerGroupTopicPartitions(group)])[group].result(30)
    committed = {tp.partition: tp.offset for tp in result.topic_partitions}
    c = Consumer({"bootstrap.servers": ctx.bootstrap, "group.id": ctx.name("probe")})
    try:
        for p in range(partitions):
            end = c.get_watermark_offsets(TopicPartition(topic, p), timeout=10, cached=False)[1]
            check.equal(end, committed.get(p), f"committed offset of partition {p}")
    finally:
        c.close()


def join_and_leave(ctx: Context, strategy: str) -> None:
    topic, group = ctx.name("t"), ctx.name("g")
    create_topic(ctx, topic, PARTITIONS)
    produced = produce(ctx, topic, "a", 40)
    a = Member(ctx, "a", group, topic, **{"partition.assignment.strategy": strategy})
    earlier: list[str] = []
    try:
        poll_until([a], "a to own every partition", lambda: split([a]))
        consumed_exactly([a], earlier, produced)
        events_before = len(a.events)
        b = Member(ctx, "b", group, topic, **{"partition.assignment.strategy": strategy})
        poll_until([a, b], "a and b to split the partitions", lambda: split([a, b]))
        revoked = [p for (kind, ps) in a.events[events_before:] if kind == "revoked" for p in ps]
        if strategy == "cooperative-sticky":
            check.equal(sorted(b.assignment), sorted(revoked), "cooperative: a revokes exactly what b takes")
        else:
            check.equal(list(range(PARTITIONS)), sorted(revoked), "eager: a revokes everything")
            check.that(a.assignment in ({0, 1}, {2, 3}), f"range assignment of a: {a.assignment}")
        description = admin(ctx).describe_consumer_groups([group])[group].result(30)
        check.equal(2, len(description.members), "members described")
        check.equal(strategy, description.partition_assignor, "assignor chosen by the coordinator")
        produced += produce(ctx, topic, "b", 40)
        consumed_exactly([a, b], earlier, produced)
        b.close()
        earlier += b.values
        poll_until([a], "a to own every partition after b left", lambda: split([a]))
        produced += produce(ctx, topic, "c", 20)
        consumed_exactly([a], earlier, produced)
    finally:
        a.close()
    committed_at_end(ctx, group, topic)


@scenario("confluent.groups-range")
def groups_range(ctx: Context) -> None:
    join_and_leave(ctx, "range")


@scenario("confluent.groups-cooperative-sticky")
def groups_cooperative(ctx: Context) -> None:
    join_and_leave(ctx, "cooperative-sticky")


@scenario("confluent.groups-static-membership")
def groups_static(ctx: Context) -> None:
    """A static member closes (no LeaveGroup) and rejoins with the same group.instance.id: it gets its partitions
    back and the other member sees no rebalance; records produced meanwhile are consumed from its commits."""
    topic, group = ctx.name("t"), ctx.name("g")
    create_topic(ctx, topic, PARTITIONS)
    produced = produce(ctx, topic, "a", 40)
    static = {"session.timeout.ms": 30_000}
    a = Member(ctx, "a", group, topic, **{"group.instance.id": "instance-a"}, **static)
    b = Member(ctx, "b", group, topic, **{"group.instance.id": "instance-b"}, **static)
    earlier: list[str] = []
    try:
        poll_until([a, b], "a and b to split the partitions", lambda: split([a, b]))
        consumed_exactly([a, b], earlier, produced)
        description = admin(ctx).describe_consumer_groups([group])[group].result(30)
        check.equal({"instance-a", "instance-b"}, {m.group_instance_id for m in description.members}, "group.instance.id of members")
        mine = set(a.assignment)
        b_events = len(b.events)
        a.close()
        earlier += a.values
        produced += produce(ctx, topic, "b", 40)
        again = Member(ctx, "a-again", group, topic, **{"group.instance.id": "instance-a"}, **static)
        try:
            poll_until([again, b], "the static member to get its partitions back", lambda: again.assignment == mine)
            consumed_exactly([again, b], earlier, produced)
            check.equal(b_events, len(b.events), f"b saw no rebalance: {b.events}")
        finally:
            again.close()
    finally:
        b.close()
    committed_at_end(ctx, group, topic)
