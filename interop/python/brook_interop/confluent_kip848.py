"""confluent-kafka (librdkafka) consumer groups on the KIP-848 protocol (group.protocol=consumer): the broker assigns
and members reconcile incrementally. Each scenario checks every record consumed exactly once through rebalances, the
committed offsets at the log end, no partition owned by two members at once (from the rebalance callbacks), and what
the AdminClient describes."""
import subprocess
import sys
import textwrap
import threading

from confluent_kafka import ConsumerGroupType, Producer
from confluent_kafka.admin import AlterConfigOpType, ConfigEntry, ConfigResource, ResourceType

from . import check
from .confluent_common import admin, create_topic
from .confluent_groups import Member, committed_at_end_of, consumed_exactly, poll_until
from .registry import Context, scenario

CONSUMER = {"group.protocol": "consumer"}


class Ownership:
    """Who owns which partition according to the members' callbacks; a partition assigned while another member still
    owns it is a violation of KIP-848's revoke-before-reassign rule."""

    def __init__(self) -> None:
        self.owner: dict[tuple[str, int], str] = {}
        self.violations: list[str] = []

    def assigned(self, member: str, partitions) -> None:
        for p in partitions:
            key = (p.topic, p.partition)
            previous = self.owner.get(key)
            if previous is not None and previous != member:
                self.violations.append(f"{key} assigned to {member} while {previous} still owned it")
            self.owner[key] = member

    def released(self, member: str, partitions) -> None:
        for p in partitions:
            if self.owner.get((p.topic, p.partition)) == member:
                del self.owner[(p.topic, p.partition)]

    def forget(self, member: str) -> None:
        self.owner = {k: v for k, v in self.owner.items() if v != member}


def member(ctx: Context, name: str, group: str, topic: str, ownership: Ownership | None = None, **extra) -> Member:
    config = dict(CONSUMER)
    config.update(extra)
    m = Member(ctx, name, group, topic, kip848=True, **config)
    if ownership is not None:
        m.ownership = ownership
    return m


def produce(ctx: Context, topic: str, partitions: int, tag: str, count: int) -> list[str]:
    p = Producer({"bootstrap.servers": ctx.bootstrap})
    values = [f"{topic}/{tag}-{i}" for i in range(count)]
    for i, v in enumerate(values):
        p.produce(topic, key=f"k{i}", value=v, partition=i % partitions)
    check.equal(0, p.flush(30), "records left after flush")
    return values


def split(members: list[Member], partitions: int) -> bool:
    owned = [p for m in members for p in m.assignment]
    return all(m.assignment for m in members) and sorted(owned) == list(range(partitions))


def describe(ctx: Context, group: str):
    return admin(ctx).describe_consumer_groups([group])[group].result(30)


@scenario("confluent.consumer-join")
def consumer_join(ctx: Context) -> None:
    topic, group = ctx.name("t"), ctx.name("g")
    create_topic(ctx, topic, 4)
    produced = produce(ctx, topic, 4, "a", 40)
    a = member(ctx, "a", group, topic)
    try:
        poll_until([a], "a to own every partition", lambda: split([a], 4))
        consumed_exactly([a], [], produced)
        d = describe(ctx, group)
        check.equal(ConsumerGroupType.CONSUMER, d.type, "group type")
        check.equal("uniform", d.partition_assignor, "the broker's default assignor")
        check.equal(1, len(d.members), "members described")
    finally:
        a.close()
    committed_at_end_of(ctx, group, topic, 4)


@scenario("confluent.consumer-scale-1-3-1")
def consumer_scale(ctx: Context) -> None:
    """12 partitions: one member, three, one again; never a partition with two owners, every record exactly once."""
    topic, group, partitions = ctx.name("t"), ctx.name("g"), 12
    create_topic(ctx, topic, partitions)
    ownership = Ownership()
    produced = produce(ctx, topic, partitions, "one", 120)
    earlier: list[str] = []
    a = member(ctx, "a", group, topic, ownership)
    try:
        poll_until([a], "a to own every partition", lambda: split([a], partitions))
        consumed_exactly([a], earlier, produced)
        b = member(ctx, "b", group, topic, ownership)
        c = member(ctx, "c", group, topic, ownership)
        # Covering every partition comes first; balance follows once the members that joined earlier
        # revoked what the later target moves (b and c join a moment apart, so [2, 4, 6] is a step on the way).
        poll_until([a, b, c], "three members to split the partitions 4/4/4 (uniform)", lambda: split([a, b, c], partitions) and sorted(len(m.assignment) for m in (a, b, c)) == [4, 4, 4])
        produced += produce(ctx, topic, partitions, "three", 120)
        consumed_exactly([a, b, c], earlier, produced)
        for m in (b, c):
            # A leaving member commits what it consumed and keeps being polled until it is out.
            m.close()
            earlier += m.values
        poll_until([a], "a to own every partition again", lambda: split([a], partitions))
        produced += produce(ctx, topic, partitions, "again", 120)
        consumed_exactly([a], earlier, produced)
    finally:
        a.close()
    check.equal([], ownership.violations, "partitions owned by two members at once")
    committed_at_end_of(ctx, group, topic, partitions)


@scenario("confluent.consumer-regex")
def consumer_regex(ctx: Context) -> None:
    """A regex subscription (librdkafka sends it to the broker, RE2 syntax) picks up a topic created after the join."""
    first, later, group = ctx.name("re-first"), ctx.name("re-later"), ctx.name("g")
    create_topic(ctx, first, 2)
    create_topic(ctx, ctx.name("other"), 2)
    produced = produce(ctx, first, 2, "first", 20)
    a = member(ctx, "a", group, f"^{ctx.name('re-')}.*")
    try:
        poll_until([a], f"the regex member to own {first}", lambda: len(a.topic_partitions) == 2, 60)
        consumed_exactly([a], [], produced)
        create_topic(ctx, later, 3)
        produced += produce(ctx, later, 3, "later", 30)
        poll_until([a], f"the regex to pick up {later}", lambda: len(a.topic_partitions) == 5, 60)
        consumed_exactly([a], [], produced)
        check.equal({first, later}, {t for t, _ in a.topic_partitions}, "topics the regex resolved to")
    finally:
        a.close()


KILLABLE = textwrap.dedent(
    """
    import sys
    from confluent_kafka import Consumer
    bootstrap, group, topic = sys.argv[1:4]
    c = Consumer({"bootstrap.servers": bootstrap, "group.id": group, "group.protocol": "consumer", "client.id": "killable",
                  "auto.offset.reset": "earliest", "enable.auto.commit": False})
    owned = set()
    def assigned(consumer, ps):
        consumer.incremental_assign(ps)
        owned.update(p.partition for p in ps)
    def revoked(consumer, ps):
        consumer.incremental_unassign(ps)
        owned.difference_update(p.partition for p in ps)
    c.subscribe([topic], on_assign=assigned, on_revoke=revoked, on_lost=revoked)
    last = None
    total = 0
    while True:
        m = c.poll(0.05)
        if m is not None and not m.error():
            print("consumed", m.value().decode(), flush=True)
            total += 1
            c.commit(message=m, asynchronous=False)
            print("committed", total, flush=True)
        if owned != last:
            last = set(owned)
            print("assignment", ",".join(str(p) for p in sorted(owned)), flush=True)
    """
)


class KillableMember:
    """A member in a process of its own, so the scenario can SIGKILL it: the broker then hears nothing more from it."""

    def __init__(self, ctx: Context, group: str, topic: str) -> None:
        self.assignment: set[int] = set()
        self.values: list[str] = []
        self.committed = 0
        self.process = subprocess.Popen([sys.executable, "-c", KILLABLE, ctx.bootstrap, group, topic], stdout=subprocess.PIPE, text=True)
        threading.Thread(target=self._read, daemon=True).start()

    def _read(self) -> None:
        assert self.process.stdout is not None
        for line in self.process.stdout:
            kind, _, rest = line.rstrip("\n").partition(" ")
            if kind == "assignment":
                self.assignment = {int(p) for p in rest.split(",") if p}
            elif kind == "consumed":
                self.values.append(rest)
            elif kind == "committed":
                self.committed = int(rest)

    def kill(self) -> None:
        self.process.kill()
        self.process.wait(30)

    def __repr__(self) -> str:
        return f"process{sorted(self.assignment)} consumed={len(self.values)} committed={self.committed}"


@scenario("confluent.consumer-member-killed")
def consumer_member_killed(ctx: Context) -> None:
    """A member is SIGKILLed; after the group's session timeout (consumer.session.timeout.ms, set on the group with
    IncrementalAlterConfigs) the survivor owns everything and goes on from the dead member's commits."""
    topic, group = ctx.name("t"), ctx.name("g")
    create_topic(ctx, topic, 4)
    resource = ConfigResource(ResourceType.GROUP, group, incremental_configs=[ConfigEntry("consumer.session.timeout.ms", "6000", incremental_operation=AlterConfigOpType.SET)])
    admin(ctx).incremental_alter_configs([resource])[resource].result(30)
    described = admin(ctx).describe_configs([ConfigResource(ResourceType.GROUP, group)])
    check.equal("6000", next(iter(described.values())).result(30)["consumer.session.timeout.ms"].value, "the group's session timeout")
    produced = produce(ctx, topic, 4, "a", 40)
    a = member(ctx, "a", group, topic)
    b = KillableMember(ctx, group, topic)
    try:
        def both_own() -> bool:
            owned = sorted(list(a.assignment) + list(b.assignment))
            return bool(a.assignment) and bool(b.assignment) and owned == [0, 1, 2, 3]

        poll_until([a], "a and the killable member to split the partitions", both_own, 60)
        poll_until([a], "every record consumed and committed", lambda: len(a.values) + b.committed >= len(produced) and b.committed == len(b.values), 60)
        b.kill()
        check.equal(2, len(describe(ctx, group).members), "the killed member is still a member until its session expires")
        poll_until([a], "a to own every partition after the session timeout", lambda: split([a], 4), 60)
        check.equal(1, len(describe(ctx, group).members), "members after the session timeout")
        produced += produce(ctx, topic, 4, "b", 40)
        consumed_exactly([a], b.values, produced)
    finally:
        a.close()
        if b.process.poll() is None:
            b.kill()
    committed_at_end_of(ctx, group, topic, 4)


@scenario("confluent.consumer-static-restart")
def consumer_static_restart(ctx: Context) -> None:
    """A static member (group.instance.id) shuts down and comes back: same partitions, no rebalance for the other."""
    topic, group = ctx.name("t"), ctx.name("g")
    create_topic(ctx, topic, 4)
    produced = produce(ctx, topic, 4, "a", 40)
    earlier: list[str] = []
    a = member(ctx, "a", group, topic, **{"group.instance.id": "instance-a"})
    b = member(ctx, "b", group, topic, **{"group.instance.id": "instance-b"})
    try:
        poll_until([a, b], "a and b to split the partitions", lambda: split([a, b], 4))
        consumed_exactly([a, b], earlier, produced)
        mine = set(a.assignment)
        b_events = len(b.events)
        a.close()
        earlier += a.values
        check.equal(2, len(describe(ctx, group).members), "a static member that shut down keeps its place")
        produced += produce(ctx, topic, 4, "b", 40)
        again = member(ctx, "a-again", group, topic, **{"group.instance.id": "instance-a"})
        try:
            poll_until([again, b], "the static member to get its partitions back", lambda: again.assignment == mine)
            consumed_exactly([again, b], earlier, produced)
            check.equal(b_events, len(b.events), f"b saw no rebalance: {b.events}")
        finally:
            again.close()
    finally:
        b.close()
    committed_at_end_of(ctx, group, topic, 4)


@scenario("confluent.consumer-upgrade")
def consumer_upgrade(ctx: Context) -> None:
    """Two classic members (range); one restarts with group.protocol=consumer and the group becomes a consumer group
    with the classic member still in it; then the other upgrades too. Every record exactly once. (librdkafka's
    cooperative-sticky puts user data in its assignments, which the broker cannot carry over, so Kafka and Brook
    refuse to upgrade such a group: GROUP_ID_NOT_FOUND.)"""
    topic, group = ctx.name("t"), ctx.name("g")
    create_topic(ctx, topic, 4)
    produced = produce(ctx, topic, 4, "classic", 40)
    earlier: list[str] = []
    classic = {"partition.assignment.strategy": "range"}
    a = Member(ctx, "a", group, topic, **classic)
    b = Member(ctx, "b", group, topic, **classic)
    try:
        poll_until([a, b], "a and b to split the partitions", lambda: split([a, b], 4))
        consumed_exactly([a, b], earlier, produced)
        check.equal(ConsumerGroupType.CLASSIC, describe(ctx, group).type, "type before the upgrade")
        b.close()
        earlier += b.values
        b2 = member(ctx, "b2", group, topic)
        try:
            poll_until([a, b2], "a (classic) and b2 (consumer protocol) to split the partitions", lambda: split([a, b2], 4), 60)
            check.equal(ConsumerGroupType.CONSUMER, describe(ctx, group).type, "type once a member uses the consumer protocol")
            produced += produce(ctx, topic, 4, "mixed", 40)
            consumed_exactly([a, b2], earlier, produced)
            a.close()
            earlier += a.values
            a2 = member(ctx, "a2", group, topic)
            try:
                poll_until([a2, b2], "both upgraded members to split the partitions", lambda: split([a2, b2], 4), 60)
                produced += produce(ctx, topic, 4, "upgraded", 40)
                consumed_exactly([a2, b2], earlier, produced)
            finally:
                a2.close()
                earlier += a2.values
        finally:
            b2.close()
    finally:
        a.close()
    committed_at_end_of(ctx, group, topic, 4)
