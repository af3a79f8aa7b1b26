package dev.brook.interop.scenarios;

import dev.brook.interop.Check;
import dev.brook.interop.Context;
import dev.brook.interop.Scenarios.Registry;
import dev.brook.interop.support.GroupMember;
import dev.brook.interop.support.MemberProcess;
import dev.brook.interop.support.Ownership;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import org.apache.kafka.clients.admin.AlterConfigOp;
import org.apache.kafka.clients.admin.ConfigEntry;
import org.apache.kafka.clients.admin.ConsumerGroupDescription;
import org.apache.kafka.clients.admin.MemberDescription;
import org.apache.kafka.clients.admin.OffsetSpec;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.OffsetAndMetadata;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.GroupState;
import org.apache.kafka.common.GroupType;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.config.ConfigResource;

/**
 * Consumer groups on the KIP-848 protocol (group.protocol=consumer, ConsumerGroupHeartbeat): the broker assigns
 * (server-side uniform assignor) and members reconcile incrementally. Each scenario checks what a user relies on:
 * every record consumed exactly once through rebalances, committed offsets at the log end, no partition owned by
 * two members at once (the rebalance callbacks), and what the Admin client describes (type, state, epochs, target).
 */
public final class ConsumerGroupScenarios {
  private ConsumerGroupScenarios() {}

  static final Duration WAIT = Duration.ofSeconds(60);
  static final Map<String, Object> CONSUMER = Map.of(ConsumerConfig.GROUP_PROTOCOL_CONFIG, "consumer");

  public static void register(Registry r) {
    r.add("groups.consumer-join", ConsumerGroupScenarios::join);
    r.add("groups.consumer-scale-1-3-1", ConsumerGroupScenarios::scale);
    r.add("groups.consumer-regex", ConsumerGroupScenarios::regex);
    r.add("groups.consumer-member-killed", ConsumerGroupScenarios::memberKilled);
    r.add("groups.consumer-static-restart", ConsumerGroupScenarios::staticRestart);
    r.add("groups.consumer-upgrade-downgrade", ConsumerGroupScenarios::upgradeDowngrade);
  }

  static Map<String, Object> consumer(Map<String, Object> extra) {
    Map<String, Object> m = new HashMap<>(CONSUMER);
    m.putAll(extra);
    return m;
  }

  /** One member joins with the consumer protocol, gets every partition, consumes, commits; the Admin sees a consumer group. */
  static void join(Context ctx) throws Exception {
    String topic = ctx.name("t");
    String group = ctx.name("g");
    ctx.createTopic(topic, 4);
    List<String> produced = produce(ctx, topic, 4, "a", 40);
    List<String> left = new ArrayList<>();
    try (GroupMember a = new GroupMember(ctx, "a", group, topic, null, CONSUMER, null)) {
      awaitSplit(List.of(a), 4);
      awaitConsumed(List.of(a), produced, left);
      ConsumerGroupDescription d = describe(ctx, group);
      Check.equal(GroupType.CONSUMER, d.type(), "group type");
      Check.equal(GroupState.STABLE, d.groupState(), "group state");
      Check.equal("uniform", d.partitionAssignor(), "the broker's default assignor");
      MemberDescription m = d.members().iterator().next();
      Check.equal(Set.copyOf(m.assignment().topicPartitions()), Set.copyOf(m.targetAssignment().orElseThrow().topicPartitions()), "current assignment = target");
      Check.equal(d.groupEpoch(), m.memberEpoch(), "member epoch = group epoch once stable");
      Check.equal(d.groupEpoch(), d.targetAssignmentEpoch(), "target assignment epoch = group epoch");
    }
    checkCommittedAtEnd(ctx, group, topic, 4);
    Check.equal(GroupState.EMPTY, describe(ctx, group).groupState(), "state after the member left");
  }

  /**
   * 12 partitions, one member, then three, then one again. Partitions move one member at a time (incremental
   * reconciliation), never owned by two members at once; every record is consumed exactly once and the committed
   * offsets end at the log end.
   */
  static void scale(Context ctx) throws Exception {
    String topic = ctx.name("t");
    String group = ctx.name("g");
    int partitions = 12;
    ctx.createTopic(topic, partitions);
    Ownership ownership = new Ownership();
    List<String> produced = produce(ctx, topic, partitions, "one", 120);
    List<String> left = new ArrayList<>();
    try (GroupMember a = new GroupMember(ctx, "a", group, topic, null, CONSUMER, ownership)) {
      awaitSplit(List.of(a), partitions);
      awaitConsumed(List.of(a), produced, left);
      GroupMember b = new GroupMember(ctx, "b", group, topic, null, CONSUMER, ownership);
      GroupMember c = new GroupMember(ctx, "c", group, topic, null, CONSUMER, ownership);
      try (b; c) {
        awaitSplit(List.of(a, b, c), partitions);
        for (GroupMember m : List.of(a, b, c)) Check.equal(4, m.assignment().size(), "uniform: 12 partitions over 3 members, " + m);
        produced.addAll(produce(ctx, topic, partitions, "three", 120));
        awaitConsumed(List.of(a, b, c), produced, left);
        // a never gave up everything: only what moved was revoked (incremental, not eager).
        for (GroupMember.Event e : a.events()) {
          if (e.kind().equals("revoked")) Check.that(e.partitions().size() < partitions, "a revoked only what moved: " + a.events());
        }
      }
      left.addAll(b.consumed());
      left.addAll(c.consumed());
      awaitSplit(List.of(a), partitions);
      produced.addAll(produce(ctx, topic, partitions, "again", 120));
      awaitConsumed(List.of(a), produced, left);
    }
    Check.equal(List.of(), ownership.violations(), "partitions owned by two members at once");
    checkCommittedAtEnd(ctx, group, topic, partitions);
  }

  /** A broker-side regular expression (RE2 syntax) subscribes to a topic created after the member joined. */
  static void regex(Context ctx) throws Exception {
    String first = ctx.name("re-first");
    String later = ctx.name("re-later");
    String group = ctx.name("g");
    ctx.createTopic(first, 2);
    ctx.createTopic(ctx.name("other"), 2);
    List<String> produced = produce(ctx, first, 2, "first", 20);
    List<String> left = new ArrayList<>();
    String pattern = ctx.name("re-") + ".*";
    try (GroupMember a = new GroupMember(ctx, "a", group, null, pattern, CONSUMER, null)) {
      Check.eventually(WAIT, "the regex member to own " + first, () -> a.topicPartitions().size() == 2, a::toString);
      awaitConsumed(List.of(a), produced, left);
      ctx.createTopic(later, 3);
      produced.addAll(produce(ctx, later, 3, "later", 30));
      Check.eventually(WAIT, "the regex to pick up " + later, () -> a.topicPartitions().size() == 5, () -> a.topicPartitions().toString());
      awaitConsumed(List.of(a), produced, left);
      ConsumerGroupDescription d = describe(ctx, group);
      Set<String> topics = new TreeSet<>();
      for (TopicPartition tp : d.members().iterator().next().assignment().topicPartitions()) topics.add(tp.topic());
      Check.equal(new TreeSet<>(List.of(first, later)), topics, "topics the regex resolved to (not " + ctx.name("other") + ")");
    }
  }

  /**
   * A member dies (its JVM is killed with SIGKILL, so the broker hears nothing more): after the group's session
   * timeout (consumer.session.timeout.ms, set on the group with IncrementalAlterConfigs) the survivor owns everything
   * and consumes from the dead member's last commits.
   */
  static void memberKilled(Context ctx) throws Exception {
    String topic = ctx.name("t");
    String group = ctx.name("g");
    ctx.createTopic(topic, 4);
    ConfigResource resource = new ConfigResource(ConfigResource.Type.GROUP, group);
    ctx.admin().incrementalAlterConfigs(Map.of(resource, List.of(new AlterConfigOp(new ConfigEntry("consumer.session.timeout.ms", "6000"), AlterConfigOp.OpType.SET)))).all().get();
    String described = ctx.admin().describeConfigs(List.of(resource)).all().get().get(resource).get("consumer.session.timeout.ms").value();
    Check.equal("6000", described, "the group's session timeout");
    List<String> produced = produce(ctx, topic, 4, "a", 40);
    List<String> left = new ArrayList<>();
    try (GroupMember a = new GroupMember(ctx, "a", group, topic, null, CONSUMER, null); MemberProcess b = new MemberProcess(ctx.bootstrap(), group, topic, "consumer")) {
      Check.eventually(WAIT, "a and the member process to split the partitions", () -> {
        a.rethrowFailure();
        Set<Integer> all = new HashSet<>(a.assignment());
        all.addAll(b.assignment());
        return !a.assignment().isEmpty() && !b.assignment().isEmpty() && all.size() == 4 && a.assignment().size() + b.assignment().size() == 4;
      }, () -> a + " " + b);
      Check.eventually(WAIT, "all 40 records consumed and committed", () -> a.consumed().size() + b.committed() >= produced.size() && b.committed() == b.consumed().size(), () -> a + " " + b);
      b.kill();
      left.addAll(b.consumed());
      Check.equal(2, describe(ctx, group).members().size(), "the killed member is still a member until its session expires");
      awaitSplit(List.of(a), 4);
      Check.equal(1, describe(ctx, group).members().size(), "members after the session timeout");
      produced.addAll(produce(ctx, topic, 4, "b", 40));
      awaitConsumed(List.of(a), produced, left);
    }
    checkCommittedAtEnd(ctx, group, topic, 4);
  }

  /**
   * A static member (group.instance.id) shuts down and comes back within its session: it gets the same partitions
   * back, the other member sees no rebalance, and the group epoch does not move (KIP-848 static membership).
   */
  static void staticRestart(Context ctx) throws Exception {
    String topic = ctx.name("t");
    String group = ctx.name("g");
    ctx.createTopic(topic, 4);
    List<String> produced = produce(ctx, topic, 4, "a", 40);
    List<String> left = new ArrayList<>();
    Map<String, Object> a1 = consumer(Map.of(ConsumerConfig.GROUP_INSTANCE_ID_CONFIG, "instance-a"));
    Map<String, Object> b1 = consumer(Map.of(ConsumerConfig.GROUP_INSTANCE_ID_CONFIG, "instance-b"));
    try (GroupMember b = new GroupMember(ctx, "b", group, topic, null, b1, null)) {
      Set<Integer> partitionsOfA;
      int bEvents;
      int epoch;
      GroupMember a = new GroupMember(ctx, "a", group, topic, null, a1, null);
      try (a) {
        awaitSplit(List.of(a, b), 4);
        awaitConsumed(List.of(a, b), produced, left);
        awaitStable(ctx, group);
        partitionsOfA = a.assignment();
        bEvents = b.events().size();
        epoch = describe(ctx, group).groupEpoch().orElseThrow();
      }
      left.addAll(a.consumed());
      ConsumerGroupDescription away = describe(ctx, group);
      Check.equal(2, away.members().size(), "a static member that shut down keeps its place");
      produced.addAll(produce(ctx, topic, 4, "b", 40));
      try (GroupMember again = new GroupMember(ctx, "a-again", group, topic, null, a1, null)) {
        Check.eventually(WAIT, "the static member to get its partitions back", () -> again.assignment().equals(partitionsOfA), again::toString);
        awaitConsumed(List.of(again, b), produced, left);
        Check.equal(epoch, describe(ctx, group).groupEpoch().orElseThrow(), "group epoch after the static member came back");
        Check.equal(bEvents, b.events().size(), "b saw no rebalance callbacks: " + b.events());
      }
    }
    checkCommittedAtEnd(ctx, group, topic, 4);
  }

  /**
   * Online migration (KIP-848): two classic members; one restarts with group.protocol=consumer and the group
   * becomes a consumer group with the classic member still in it; when the consumer-protocol member leaves, the
   * group goes back to classic; then both members upgrade. Offsets survive every conversion: every record is
   * consumed exactly once and the committed offsets end at the log end.
   */
  static void upgradeDowngrade(Context ctx) throws Exception {
    String topic = ctx.name("t");
    String group = ctx.name("g");
    ctx.createTopic(topic, 4);
    List<String> produced = produce(ctx, topic, 4, "classic", 40);
    List<String> left = new ArrayList<>();
    Map<String, Object> classic = Map.of();
    GroupMember a = new GroupMember(ctx, "a", group, topic, classic);
    try {
      GroupMember b = new GroupMember(ctx, "b", group, topic, classic);
      try (b) {
        awaitSplit(List.of(a, b), 4);
        awaitConsumed(List.of(a, b), produced, left);
        Check.equal(GroupType.CLASSIC, describe(ctx, group).type(), "type before the upgrade");
      }
      left.addAll(b.consumed());
      GroupMember b2 = new GroupMember(ctx, "b2", group, topic, null, CONSUMER, null);
      try (b2) {
        awaitSplit(List.of(a, b2), 4);
        ConsumerGroupDescription mixed = describe(ctx, group);
        Check.equal(GroupType.CONSUMER, mixed.type(), "type once a member uses the consumer protocol");
        Set<Boolean> upgraded = new HashSet<>();
        for (MemberDescription m : mixed.members()) upgraded.add(m.upgraded().orElseThrow());
        Check.equal(Set.of(true, false), upgraded, "one upgraded member, one classic");
        produced.addAll(produce(ctx, topic, 4, "mixed", 40));
        awaitConsumed(List.of(a, b2), produced, left);
      }
      left.addAll(b2.consumed());
      awaitSplit(List.of(a), 4);
      Check.eventually(WAIT, "the group to go back to classic", () -> describeQuietly(ctx, group).type() == GroupType.CLASSIC, () -> String.valueOf(describeQuietly(ctx, group)));
      produced.addAll(produce(ctx, topic, 4, "downgraded", 40));
      awaitConsumed(List.of(a), produced, left);
      GroupMember b3 = new GroupMember(ctx, "b3", group, topic, null, CONSUMER, null);
      try (b3) {
        awaitSplit(List.of(a, b3), 4);
        a.close();
        left.addAll(a.consumed());
        GroupMember a2 = new GroupMember(ctx, "a2", group, topic, null, CONSUMER, null);
        try (a2) {
          awaitSplit(List.of(a2, b3), 4);
          ConsumerGroupDescription upgradedGroup = describe(ctx, group);
          Check.equal(GroupType.CONSUMER, upgradedGroup.type(), "type with every member upgraded");
          for (MemberDescription m : upgradedGroup.members()) Check.equal(true, m.upgraded().orElseThrow(), "member upgraded: " + m);
          produced.addAll(produce(ctx, topic, 4, "upgraded", 40));
          awaitConsumed(List.of(a2, b3), produced, left);
        }
        left.addAll(a2.consumed());
      }
      left.addAll(b3.consumed());
    } finally {
      a.close();
    }
    checkCommittedAtEnd(ctx, group, topic, 4);
  }

  // ---- helpers -------------------------------------------------------------------------------------------------

  static List<String> produce(Context ctx, String topic, int partitions, String tag, int count) throws Exception {
    List<String> values = new ArrayList<>();
    try (KafkaProducer<String, String> p = ctx.producer(Map.of())) {
      for (int i = 0; i < count; i++) {
        String v = topic + "/" + tag + "-" + i;
        p.send(new ProducerRecord<>(topic, i % partitions, "k" + i, v));
        values.add(v);
      }
      p.flush();
    }
    return values;
  }

  /** Waits until the members own disjoint sets that together cover every partition. */
  static void awaitSplit(List<GroupMember> members, int partitions) {
    Check.eventually(WAIT, "members to split " + partitions + " partitions", () -> {
      for (GroupMember m : members) m.rethrowFailure();
      Set<Integer> all = new HashSet<>();
      int total = 0;
      for (GroupMember m : members) {
        Set<Integer> mine = m.assignment();
        if (mine.isEmpty()) return false;
        all.addAll(mine);
        total += mine.size();
      }
      return all.size() == partitions && total == partitions;
    }, members::toString);
  }

  static void awaitConsumed(List<GroupMember> members, List<String> produced, Collection<String> earlier) {
    ClassicGroupScenarios.awaitConsumed(members, produced, earlier);
  }

  static void awaitStable(Context ctx, String group) {
    Check.eventually(WAIT, "the group to be stable", () -> describeQuietly(ctx, group).groupState() == GroupState.STABLE, () -> String.valueOf(describeQuietly(ctx, group)));
  }

  static ConsumerGroupDescription describe(Context ctx, String group) throws Exception {
    return ctx.admin().describeConsumerGroups(List.of(group)).describedGroups().get(group).get();
  }

  static ConsumerGroupDescription describeQuietly(Context ctx, String group) {
    try {
      return describe(ctx, group);
    } catch (Exception e) {
      throw new IllegalStateException(e);
    }
  }

  static void checkCommittedAtEnd(Context ctx, String group, String topic, int partitions) throws Exception {
    Map<TopicPartition, OffsetAndMetadata> committed = ctx.admin().listConsumerGroupOffsets(group).partitionsToOffsetAndMetadata().get();
    Map<TopicPartition, OffsetSpec> latest = new HashMap<>();
    for (int p = 0; p < partitions; p++) latest.put(new TopicPartition(topic, p), OffsetSpec.latest());
    for (var e : ctx.admin().listOffsets(latest).all().get().entrySet()) {
      OffsetAndMetadata c = committed.get(e.getKey());
      Check.that(c != null, "no committed offset for " + e.getKey());
      Check.equal(e.getValue().offset(), c.offset(), "committed offset of " + e.getKey());
    }
  }
}
