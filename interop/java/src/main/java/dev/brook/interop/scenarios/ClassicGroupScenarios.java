package dev.brook.interop.scenarios;

import dev.brook.interop.Check;
import dev.brook.interop.Context;
import dev.brook.interop.Scenarios.Registry;
import dev.brook.interop.support.GroupMember;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import org.apache.kafka.clients.admin.ConsumerGroupDescription;
import org.apache.kafka.clients.admin.MemberDescription;
import org.apache.kafka.clients.admin.RemoveMembersFromConsumerGroupOptions;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.CooperativeStickyAssignor;
import org.apache.kafka.clients.consumer.OffsetAndMetadata;
import org.apache.kafka.clients.consumer.RangeAssignor;
import org.apache.kafka.clients.consumer.RoundRobinAssignor;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.GroupState;
import org.apache.kafka.common.TopicPartition;

/**
 * Consumer groups on the classic protocol (JoinGroup/SyncGroup/Heartbeat): eager range and round-robin, cooperative
 * sticky (KIP-429) and static membership (KIP-345). The assignment is computed by the Java leader; the broker must
 * pick the common protocol, relay assignments, keep generations and committed offsets straight.
 */
public final class ClassicGroupScenarios {
  private ClassicGroupScenarios() {}

  static final Duration WAIT = Duration.ofSeconds(45);
  static final int PARTITIONS = 4;

  public static void register(Registry r) {
    r.add("groups.classic-eager-range", ctx -> eager(ctx, RangeAssignor.class, "range"));
    r.add("groups.classic-eager-roundrobin", ctx -> eager(ctx, RoundRobinAssignor.class, "roundrobin"));
    r.add("groups.classic-cooperative-sticky", ClassicGroupScenarios::cooperativeSticky);
    r.add("groups.classic-static-membership", ClassicGroupScenarios::staticMembership);
  }

  static Map<String, Object> assignor(Class<?> type) {
    return Map.of(ConsumerConfig.PARTITION_ASSIGNMENT_STRATEGY_CONFIG, type.getName());
  }

  /**
   * One member takes all partitions; a second joins and eager rebalancing revokes everything from the first, then
   * splits the partitions as the assignor says; the second leaves and the first takes all back. Every record is
   * consumed exactly once across the rebalances (commitSync after each poll), and the committed offsets end at the
   * log end.
   */
  static void eager(Context ctx, Class<?> type, String assignorName) throws Exception {
    String topic = ctx.name("t");
    String group = ctx.name("g");
    ctx.createTopic(topic, PARTITIONS);
    List<String> produced = new ArrayList<>(produce(ctx, topic, "a", 40));
    List<String> left = new ArrayList<>();
    try (GroupMember a = new GroupMember(ctx, "a", group, topic, assignor(type))) {
      awaitSplit(List.of(a));
      awaitConsumed(List.of(a), produced, left);
      GroupMember b = new GroupMember(ctx, "b", group, topic, assignor(type));
      try (b) {
        awaitSplit(List.of(a, b));
        Set<Integer> pa = a.assignment();
        Set<Integer> expectedA = assignorName.equals("range")
            ? (pa.contains(0) ? Set.of(0, 1) : Set.of(2, 3))
            : (pa.contains(0) ? Set.of(0, 2) : Set.of(1, 3));
        Check.equal(expectedA, pa, assignorName + " assignment of a (b has " + b.assignment() + ")");
        // Eager: the first member gave up every partition before the new assignment.
        Check.that(a.events().contains(new GroupMember.Event("revoked", List.of(0, 1, 2, 3))),
            "eager rebalance revokes all of a's partitions: " + a.events());
        Check.equal(a.generation(), b.generation(), "both members in one generation");
        ConsumerGroupDescription d = describe(ctx, group);
        Check.equal(GroupState.STABLE, d.groupState(), "group state with two members");
        Check.equal(assignorName, d.partitionAssignor(), "protocol chosen by the coordinator");
        Check.equal(2, d.members().size(), "members described");
        produced.addAll(produce(ctx, topic, "b", 40));
        awaitConsumed(List.of(a, b), produced, left);
      }
      left.addAll(b.consumed());
      // b closed: a dynamic member sends LeaveGroup, so a gets everything back without a session timeout.
      awaitSplit(List.of(a));
      produced.addAll(produce(ctx, topic, "c", 20));
      awaitConsumed(List.of(a), produced, left);
    }
    checkCommittedAtEnd(ctx, group, topic);
    Check.equal(GroupState.EMPTY, describe(ctx, group).groupState(), "group state after every member left");
  }

  /**
   * Cooperative sticky: when b joins, a gives up only the partitions that move (two of four) and keeps the others
   * without a revocation; when b leaves, a is given b's partitions and revokes nothing.
   */
  static void cooperativeSticky(Context ctx) throws Exception {
    String topic = ctx.name("t");
    String group = ctx.name("g");
    ctx.createTopic(topic, PARTITIONS);
    List<String> produced = new ArrayList<>(produce(ctx, topic, "a", 40));
    Map<String, Object> cfg = assignor(CooperativeStickyAssignor.class);
    List<String> left = new ArrayList<>();
    try (GroupMember a = new GroupMember(ctx, "a", group, topic, cfg)) {
      awaitSplit(List.of(a));
      awaitConsumed(List.of(a), produced, left);
      int before = a.events().size();
      GroupMember b = new GroupMember(ctx, "b", group, topic, cfg);
      try (b) {
        awaitSplit(List.of(a, b));
        Check.equal(2, a.assignment().size(), "a's share after b joined");
        List<GroupMember.Event> during = a.events().subList(before, a.events().size());
        List<Integer> revoked = new ArrayList<>();
        for (GroupMember.Event e : during) if (e.kind().equals("revoked")) revoked.addAll(e.partitions());
        Check.equal(new TreeSet<>(b.assignment()), new TreeSet<>(revoked), "a revokes exactly the partitions b takes");
        Check.equal("cooperative-sticky", describe(ctx, group).partitionAssignor(), "protocol chosen by the coordinator");
        produced.addAll(produce(ctx, topic, "b", 40));
        awaitConsumed(List.of(a, b), produced, left);
        before = a.events().size();
      }
      left.addAll(b.consumed());
      awaitSplit(List.of(a));
      for (GroupMember.Event e : a.events().subList(before, a.events().size())) {
        Check.that(!e.kind().equals("revoked") || e.partitions().isEmpty(), "a revokes nothing when b leaves: " + a.events());
      }
      produced.addAll(produce(ctx, topic, "c", 20));
      awaitConsumed(List.of(a), produced, left);
    }
    checkCommittedAtEnd(ctx, group, topic);
  }

  /**
   * Static membership: a member that closes and comes back with the same group.instance.id within the session
   * timeout gets its partitions back without a rebalance (the other member sees no callback, the generation stays);
   * records produced meanwhile are consumed from its committed offsets. Finally the admin removes both static
   * members (LeaveGroup v3+ by instance id) and the group is empty at once.
   */
  static void staticMembership(Context ctx) throws Exception {
    String topic = ctx.name("t");
    String group = ctx.name("g");
    ctx.createTopic(topic, PARTITIONS);
    List<String> produced = new ArrayList<>(produce(ctx, topic, "a", 40));
    Map<String, Object> a1 = Map.of(ConsumerConfig.GROUP_INSTANCE_ID_CONFIG, "instance-a", ConsumerConfig.SESSION_TIMEOUT_MS_CONFIG, 30_000);
    Map<String, Object> b1 = Map.of(ConsumerConfig.GROUP_INSTANCE_ID_CONFIG, "instance-b", ConsumerConfig.SESSION_TIMEOUT_MS_CONFIG, 30_000);
    List<String> left = new ArrayList<>();
    try (GroupMember b = new GroupMember(ctx, "b", group, topic, b1)) {
      Set<Integer> partitionsOfA;
      int generation;
      int bEvents;
      GroupMember a = new GroupMember(ctx, "a", group, topic, a1);
      try (a) {
        awaitSplit(List.of(a, b));
        awaitConsumed(List.of(a, b), produced, left);
        ConsumerGroupDescription d = describe(ctx, group);
        Set<String> instances = new TreeSet<>();
        for (MemberDescription m : d.members()) instances.add(m.groupInstanceId().orElse("(none)"));
        Check.equal(new TreeSet<>(List.of("instance-a", "instance-b")), instances, "group.instance.id of the members");
        partitionsOfA = a.assignment();
        generation = b.generation();
        bEvents = b.events().size();
      }
      left.addAll(a.consumed());
      // a is closed; as a static member it did not leave, so b keeps its partitions and a's stay unowned.
      produced.addAll(produce(ctx, topic, "b", 40));
      try (GroupMember again = new GroupMember(ctx, "a-again", group, topic, a1)) {
        Check.eventually(WAIT, "the static member to rejoin", () -> again.assignment().equals(partitionsOfA), again::toString);
        awaitConsumed(List.of(again, b), produced, left);
        Check.equal(generation, again.generation(), "generation after a static rejoin (no rebalance)");
        Check.equal(generation, b.generation(), "b's generation after a's static rejoin");
        Check.equal(bEvents, b.events().size(), "b saw no rebalance callbacks: " + b.events());
      }
    }
    // Both closed without leaving: still members until their session times out, unless an admin removes them.
    Check.equal(2, describe(ctx, group).members().size(), "static members stay after close");
    ctx.admin().removeMembersFromConsumerGroup(group, new RemoveMembersFromConsumerGroupOptions()).all().get();
    ConsumerGroupDescription after = describe(ctx, group);
    Check.equal(GroupState.EMPTY, after.groupState(), "group state after removing the static members");
    checkCommittedAtEnd(ctx, group, topic);
  }

  // ---- helpers -------------------------------------------------------------------------------------------------

  static List<String> produce(Context ctx, String topic, String tag, int count) throws Exception {
    List<String> values = new ArrayList<>();
    try (KafkaProducer<String, String> p = ctx.producer(Map.of())) {
      for (int i = 0; i < count; i++) {
        String v = tag + "-" + i;
        p.send(new ProducerRecord<>(topic, i % PARTITIONS, "k" + i, v));
        values.add(v);
      }
      p.flush();
    }
    return values;
  }

  /** Waits until the members own disjoint sets that together cover every partition. */
  static void awaitSplit(List<GroupMember> members) {
    Check.eventually(WAIT, "members " + names(members) + " to split " + PARTITIONS + " partitions", () -> {
      for (GroupMember m : members) m.rethrowFailure();
      Set<Integer> all = new HashSet<>();
      int total = 0;
      for (GroupMember m : members) {
        Set<Integer> mine = m.assignment();
        if (mine.isEmpty()) return false;
        all.addAll(mine);
        total += mine.size();
      }
      return all.size() == PARTITIONS && total == PARTITIONS;
    }, () -> members.toString());
  }

  /** Waits until the members (plus those that left) consumed every produced value, then checks none came twice. */
  static void awaitConsumed(List<GroupMember> members, List<String> produced, Collection<String> earlier) {
    Check.eventually(WAIT, "all " + produced.size() + " records consumed", () -> {
      for (GroupMember m : members) m.rethrowFailure();
      return consumedBy(members, earlier).size() >= produced.size();
    }, () -> members.toString());
    List<String> got = consumedBy(members, earlier);
    Check.equal(new TreeSet<>(produced), new TreeSet<>(got), "values consumed");
    Check.equal(produced.size(), got.size(), "records consumed (a duplicate means a commit was lost in a rebalance)");
  }

  static List<String> consumedBy(List<GroupMember> members, Collection<String> earlier) {
    List<String> all = new ArrayList<>(earlier);
    for (GroupMember m : members) all.addAll(m.consumed());
    return all;
  }

  static String names(List<GroupMember> members) {
    List<String> n = new ArrayList<>();
    for (GroupMember m : members) n.add(m.name());
    return n.toString();
  }

  static ConsumerGroupDescription describe(Context ctx, String group) throws Exception {
    return ctx.admin().describeConsumerGroups(List.of(group)).describedGroups().get(group).get();
  }

  static void checkCommittedAtEnd(Context ctx, String group, String topic) throws Exception {
    Map<TopicPartition, OffsetAndMetadata> committed = ctx.admin().listConsumerGroupOffsets(group).partitionsToOffsetAndMetadata().get();
    Map<TopicPartition, org.apache.kafka.clients.admin.OffsetSpec> latest = new java.util.HashMap<>();
    for (int p = 0; p < PARTITIONS; p++) latest.put(new TopicPartition(topic, p), org.apache.kafka.clients.admin.OffsetSpec.latest());
    var ends = ctx.admin().listOffsets(latest).all().get();
    for (var e : ends.entrySet()) {
      OffsetAndMetadata c = committed.get(e.getKey());
      Check.that(c != null, "no committed offset for " + e.getKey());
      Check.equal(e.getValue().offset(), c.offset(), "committed offset of " + e.getKey());
    }
  }
}
