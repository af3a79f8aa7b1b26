package dev.brook.interop.scenarios;

import dev.brook.interop.Check;
import dev.brook.interop.Context;
import dev.brook.interop.Scenarios.Registry;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.concurrent.CopyOnWriteArrayList;
import org.apache.kafka.clients.admin.AlterConfigOp;
import org.apache.kafka.clients.admin.ConfigEntry;
import org.apache.kafka.clients.admin.ListShareGroupOffsetsSpec;
import org.apache.kafka.clients.admin.ShareGroupDescription;
import org.apache.kafka.clients.consumer.AcknowledgeType;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaShareConsumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.GroupState;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.config.ConfigResource;
import org.apache.kafka.common.serialization.StringDeserializer;

/**
 * Share groups (KIP-932) with Kafka's own KafkaShareConsumer: implicit and explicit acknowledgement, release and
 * reject, the delivery-count limit, acquisition locks that expire while the holder lives, and two members sharing
 * one partition. The broker's share-partition state (acquired, acknowledged, archived, delivery counts) is what is
 * under test; the client only reports what the broker handed out and confirmed.
 */
public final class ShareGroupScenarios {
  private ShareGroupScenarios() {}

  static final Duration WAIT = Duration.ofSeconds(60);

  public static void register(Registry r) {
    r.add("share.implicit-acks", ShareGroupScenarios::implicitAcks);
    r.add("share.release-reject-limit", ShareGroupScenarios::releaseRejectLimit);
    r.add("share.lock-timeout", ShareGroupScenarios::lockTimeout);
    r.add("share.two-members", ShareGroupScenarios::twoMembers);
  }

  /** One delivery as the consumer saw it: which record, and the broker's delivery count. */
  record Delivery(int partition, long offset, String value, int count) {}

  /** One acknowledgement batch as the broker answered it (the commit callback). */
  record Acked(int partition, TreeSet<Long> offsets, String error) {}

  static void produce(Context ctx, String topic, int n) throws Exception {
    try (KafkaProducer<String, String> p = ctx.producer(Map.of("acks", "all"))) {
      for (int i = 0; i < n; i++) p.send(new ProducerRecord<>(topic, "k" + i, "v" + i));
      p.flush();
    }
  }

  /** Share groups start at the latest offset unless told otherwise; these scenarios produce first. */
  static void configureGroup(Context ctx, String group, Map<String, String> extra) throws Exception {
    Map<String, String> all = new HashMap<>(extra);
    all.put("share.auto.offset.reset", "earliest");
    List<AlterConfigOp> ops = new ArrayList<>();
    all.forEach((k, v) -> ops.add(new AlterConfigOp(new ConfigEntry(k, v), AlterConfigOp.OpType.SET)));
    ctx.admin().incrementalAlterConfigs(Map.of(new ConfigResource(ConfigResource.Type.GROUP, group), ops)).all().get();
  }

  static KafkaShareConsumer<String, String> member(Context ctx, String group, String mode, List<Acked> acked) {
    Properties p = new Properties();
    p.put("bootstrap.servers", ctx.bootstrap());
    p.put("group.id", group);
    p.put("share.acknowledgement.mode", mode);
    p.put("max.poll.records", "20");
    KafkaShareConsumer<String, String> c = new KafkaShareConsumer<>(p, new StringDeserializer(), new StringDeserializer());
    c.setAcknowledgementCommitCallback((offsets, ex) -> offsets.forEach((tip, set) ->
        acked.add(new Acked(tip.partition(), new TreeSet<>(set), ex == null ? null : ex.getClass().getSimpleName()))));
    return c;
  }

  static Delivery delivery(ConsumerRecord<String, String> r) {
    return new Delivery(r.partition(), r.offset(), r.value(), r.deliveryCount().orElse((short) -1));
  }

  /** Per partition: the share-partition start offset and the lag, as Admin.listShareGroupOffsets reports them. */
  static Map<Integer, long[]> offsets(Context ctx, String group) throws Exception {
    var info = ctx.admin().listShareGroupOffsets(Map.of(group, new ListShareGroupOffsetsSpec())).partitionsToOffsetInfo(group).get();
    Map<Integer, long[]> out = new TreeMap<>();
    info.forEach((tp, o) -> out.put(tp.partition(), o == null ? new long[] {-1, -1} : new long[] {o.startOffset(), o.lag().orElse(-1L)}));
    return out;
  }

  static String show(Map<Integer, long[]> offsets) {
    StringBuilder sb = new StringBuilder();
    offsets.forEach((p, o) -> sb.append(p).append(": start ").append(o[0]).append(" lag ").append(o[1]).append("; "));
    return sb.toString();
  }

  /** Waits until the group's share partitions report no lag: every record acknowledged or archived. */
  static void awaitNoLag(Context ctx, String group, int partitions) {
    Map<Integer, long[]>[] last = new Map[] {Map.of()};
    Check.eventually(WAIT, "no share-group lag", () -> {
      try {
        last[0] = offsets(ctx, group);
      } catch (Exception e) {
        return false;
      }
      if (last[0].size() != partitions) return false;
      return last[0].values().stream().allMatch(o -> o[1] == 0);
    }, () -> show(last[0]));
  }

  /**
   * Implicit mode: a poll's records are accepted by the next poll or commitSync. 20 records over 2 partitions, each
   * delivered once with delivery count 1; afterwards the group shows one member, and no lag.
   */
  static void implicitAcks(Context ctx) throws Exception {
    String topic = ctx.name("t");
    String group = ctx.name("g");
    ctx.createTopic(topic, 2);
    produce(ctx, topic, 20);
    configureGroup(ctx, group, Map.of());
    List<Acked> acked = new CopyOnWriteArrayList<>();
    List<Delivery> seen = new ArrayList<>();
    try (KafkaShareConsumer<String, String> c = member(ctx, group, "implicit", acked)) {
      c.subscribe(List.of(topic));
      Check.eventually(WAIT, "20 records", () -> {
        for (ConsumerRecord<String, String> r : c.poll(Duration.ofMillis(200))) seen.add(delivery(r));
        return seen.size() >= 20;
      }, seen::toString);
      c.commitSync();
      Check.equal(20, seen.size(), "deliveries");
      Check.equal(20L, seen.stream().map(Delivery::value).distinct().count(), "distinct records");
      Check.that(seen.stream().allMatch(d -> d.count() == 1), "every delivery count is 1: " + seen);
      Check.that(acked.stream().allMatch(a -> a.error() == null), "acknowledgements confirmed: " + acked);
      ShareGroupDescription d = ctx.admin().describeShareGroups(List.of(group)).describedGroups().get(group).get();
      Check.equal(GroupState.STABLE, d.groupState(), "share group state with a member");
      Check.equal(1, d.members().size(), "members");
      awaitNoLag(ctx, group, 2);
    }
  }

  /**
   * Explicit mode with share.delivery.count.limit=2 on one partition of 6 records: offsets 0 and 3 are released on
   * every delivery (delivered twice, then archived), 1 and 4 are rejected (delivered once), 2 and 5 are released once
   * and accepted on their second delivery. The broker must count deliveries, never deliver a third time, and end with
   * every record acknowledged or archived.
   */
  static void releaseRejectLimit(Context ctx) throws Exception {
    String topic = ctx.name("t");
    String group = ctx.name("g");
    ctx.createTopic(topic, 1);
    produce(ctx, topic, 6);
    configureGroup(ctx, group, Map.of("share.delivery.count.limit", "2"));
    List<Acked> acked = new CopyOnWriteArrayList<>();
    List<Delivery> seen = new ArrayList<>();
    try (KafkaShareConsumer<String, String> c = member(ctx, group, "explicit", acked)) {
      c.subscribe(List.of(topic));
      Check.eventually(WAIT, "10 deliveries", () -> {
        var records = c.poll(Duration.ofMillis(200));
        for (ConsumerRecord<String, String> r : records) {
          Delivery d = delivery(r);
          seen.add(d);
          long kind = r.offset() % 3;
          AcknowledgeType type = kind == 1 ? AcknowledgeType.REJECT
              : kind == 0 || d.count() == 1 ? AcknowledgeType.RELEASE : AcknowledgeType.ACCEPT;
          c.acknowledge(r, type);
        }
        if (!records.isEmpty()) c.commitSync();
        return seen.size() >= 10;
      }, seen::toString);
      awaitNoLag(ctx, group, 1);
      // Polls after the group has nothing left: a third delivery of 0 or 3 would show here.
      for (int i = 0; i < 3; i++) for (ConsumerRecord<String, String> r : c.poll(Duration.ofMillis(200))) seen.add(delivery(r));
    }
    Map<Long, List<Integer>> counts = new TreeMap<>();
    for (Delivery d : seen) counts.computeIfAbsent(d.offset(), o -> new ArrayList<>()).add(d.count());
    Map<Long, List<Integer>> expected = new TreeMap<>(Map.of(
        0L, List.of(1, 2), 1L, List.of(1), 2L, List.of(1, 2), 3L, List.of(1, 2), 4L, List.of(1), 5L, List.of(1, 2)));
    Check.equal(expected, counts, "delivery counts per offset");
    Check.that(acked.stream().allMatch(a -> a.error() == null), "acknowledgements confirmed: " + acked);
  }

  /**
   * A member acquires records and never acknowledges them while it stays alive (heartbeats go on): once
   * share.record.lock.duration.ms passes, the broker hands them to another member with delivery count 2.
   */
  static void lockTimeout(Context ctx) throws Exception {
    String topic = ctx.name("t");
    String group = ctx.name("g");
    ctx.createTopic(topic, 1);
    produce(ctx, topic, 3);
    configureGroup(ctx, group, Map.of("share.record.lock.duration.ms", "2000"));
    List<Acked> acked = new CopyOnWriteArrayList<>();
    List<Delivery> held = new ArrayList<>();
    List<Delivery> redelivered = new ArrayList<>();
    try (KafkaShareConsumer<String, String> holder = member(ctx, group, "explicit", acked);
        KafkaShareConsumer<String, String> other = member(ctx, group, "explicit", acked)) {
      holder.subscribe(List.of(topic));
      Check.eventually(WAIT, "the holder acquires 3 records", () -> {
        for (ConsumerRecord<String, String> r : holder.poll(Duration.ofMillis(200))) held.add(delivery(r));
        return !held.isEmpty();
      }, held::toString);
      Check.equal(3, held.size(), "records acquired in one poll");
      other.subscribe(List.of(topic));
      Check.eventually(WAIT, "the other member gets the 3 records after the lock expires", () -> {
        for (ConsumerRecord<String, String> r : other.poll(Duration.ofMillis(200))) {
          redelivered.add(delivery(r));
          other.acknowledge(r, AcknowledgeType.ACCEPT);
        }
        return redelivered.size() >= 3;
      }, redelivered::toString);
      other.commitSync();
      Check.equal(List.of("v0", "v1", "v2"), redelivered.stream().map(Delivery::value).toList(), "redelivered records");
      Check.that(redelivered.stream().allMatch(d -> d.count() == 2), "second deliveries count 2: " + redelivered);
      awaitNoLag(ctx, group, 1);
    }
  }

  /**
   * Two members share one partition of 300 records (max.poll.records 20, explicit accept): together they receive
   * every record, none twice, and the group describes both members.
   */
  static void twoMembers(Context ctx) throws Exception {
    String topic = ctx.name("t");
    String group = ctx.name("g");
    ctx.createTopic(topic, 1);
    produce(ctx, topic, 300);
    configureGroup(ctx, group, Map.of());
    List<Acked> acked = new CopyOnWriteArrayList<>();
    List<Delivery> seen = new ArrayList<>();
    try (KafkaShareConsumer<String, String> a = member(ctx, group, "explicit", acked);
        KafkaShareConsumer<String, String> b = member(ctx, group, "explicit", acked)) {
      a.subscribe(List.of(topic));
      b.subscribe(List.of(topic));
      Check.eventually(WAIT, "300 records between the two", () -> {
        for (KafkaShareConsumer<String, String> c : List.of(a, b)) {
          var records = c.poll(Duration.ofMillis(100));
          for (ConsumerRecord<String, String> r : records) {
            seen.add(delivery(r));
            c.acknowledge(r, AcknowledgeType.ACCEPT);
          }
          if (!records.isEmpty()) c.commitSync();
        }
        return seen.size() >= 300;
      }, () -> seen.size() + " delivered");
      Check.equal(300, seen.size(), "deliveries");
      Check.equal(300L, seen.stream().map(Delivery::offset).distinct().count(), "distinct offsets (none delivered twice)");
      Check.that(acked.stream().allMatch(x -> x.error() == null), "acknowledgements confirmed: " + acked);
      Check.eventually(WAIT, "both members in the group (they join on their first poll)", () -> {
        try {
          return ctx.admin().describeShareGroups(List.of(group)).describedGroups().get(group).get().members().size() == 2;
        } catch (Exception e) {
          return false;
        }
      }, () -> "fewer than 2 members");
      awaitNoLag(ctx, group, 1);
    }
  }
}
