package dev.brook.interop.scenarios;

import dev.brook.interop.Check;
import dev.brook.interop.Context;
import dev.brook.interop.Scenarios.Registry;
import dev.brook.interop.support.Records;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeSet;
import org.apache.kafka.clients.admin.OffsetSpec;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.ConsumerRecords;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.consumer.OffsetAndMetadata;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.errors.ProducerFencedException;

/** Transactions (KIP-98, EOS v2 / KIP-447): commit, abort, read_committed, offsets in transactions, fencing. */
public final class TransactionScenarios {
  private TransactionScenarios() {}

  static final Map<String, Object> READ_COMMITTED = Map.of(ConsumerConfig.ISOLATION_LEVEL_CONFIG, "read_committed");

  public static void register(Registry r) {
    r.add("txn.commit-abort-read-committed", TransactionScenarios::commitAbort);
    r.add("txn.consume-transform-produce", TransactionScenarios::consumeTransformProduce);
    r.add("txn.fencing", TransactionScenarios::fencing);
  }

  static KafkaProducer<String, String> transactional(Context ctx, String id) {
    KafkaProducer<String, String> p = ctx.producer(Map.of(ProducerConfig.TRANSACTIONAL_ID_CONFIG, id));
    p.initTransactions();
    return p;
  }

  /**
   * Committed, aborted and committed transactions over two partitions; then an open transaction followed by plain
   * records: a read_committed consumer stops at the last stable offset (sees none of them) until the commit. A
   * read_uncommitted consumer sees everything, aborted records included.
   */
  static void commitAbort(Context ctx) throws Exception {
    String topic = ctx.name("t");
    ctx.createTopic(topic, 2);
    List<String> committed = new ArrayList<>();
    List<String> all = new ArrayList<>();
    try (KafkaProducer<String, String> p = transactional(ctx, ctx.name("txn"))) {
      for (String tag : List.of("c1", "a2", "c3")) {
        p.beginTransaction();
        for (int i = 0; i < 10; i++) p.send(new ProducerRecord<>(topic, i % 2, "k" + i, tag + "-" + i));
        if (tag.startsWith("a")) {
          p.flush();
          p.abortTransaction();
        } else {
          p.commitTransaction();
          for (int i = 0; i < 10; i++) committed.add(tag + "-" + i);
        }
        for (int i = 0; i < 10; i++) all.add(tag + "-" + i);
      }
      try (KafkaConsumer<String, String> rc = ctx.consumer(READ_COMMITTED)) {
        Check.equal(new TreeSet<>(committed), new TreeSet<>(Records.values(Records.readToEnd(rc, List.of(topic)))), "read_committed after commit/abort/commit");
      }

      // An open transaction, then plain records after it on both partitions.
      p.beginTransaction();
      for (int i = 0; i < 4; i++) p.send(new ProducerRecord<>(topic, i % 2, "k", "open-" + i));
      p.flush();
      try (KafkaProducer<String, String> plain = ctx.producer(Map.of())) {
        for (int i = 0; i < 4; i++) plain.send(new ProducerRecord<>(topic, i % 2, "k", "after-" + i));
        plain.flush();
      }
      try (KafkaConsumer<String, String> rc = ctx.consumer(READ_COMMITTED)) {
        List<String> seen = Records.values(Records.readToEnd(rc, List.of(topic)));
        Check.equal(new TreeSet<>(committed), new TreeSet<>(seen), "read_committed stops at the last stable offset");
        Map<TopicPartition, Long> lso = rc.endOffsets(rc.assignment());
        Map<TopicPartition, Long> hw = new HashMap<>();
        for (TopicPartition tp : rc.assignment()) hw.put(tp, ctx.admin().listOffsets(Map.of(tp, OffsetSpec.latest())).partitionResult(tp).get().offset());
        for (TopicPartition tp : lso.keySet()) Check.that(lso.get(tp) < hw.get(tp), "LSO " + lso + " below the high watermark " + hw);
        p.commitTransaction();
        List<String> rest = new ArrayList<>();
        Check.eventually(Duration.ofSeconds(30), "the committed transaction and the records after it", () -> {
          rc.poll(Duration.ofMillis(100)).forEach(r -> rest.add(r.value()));
          return rest.size() >= 8;
        }, rest::toString);
        Check.equal(new TreeSet<>(List.of("open-0", "open-1", "open-2", "open-3", "after-0", "after-1", "after-2", "after-3")), new TreeSet<>(rest), "records released by the commit");
      }
    }
    try (KafkaConsumer<String, String> ru = ctx.consumer(Map.of())) {
      List<String> seen = Records.values(Records.readToEnd(ru, List.of(topic)));
      Check.equal(all.size() + 8, seen.size(), "read_uncommitted sees aborted records too (control records hidden)");
      Check.that(seen.containsAll(all), "read_uncommitted has every record");
    }
  }

  /**
   * Consume-transform-produce with sendOffsetsToTransaction and the consumer's group metadata (KIP-447): the first
   * transaction is aborted (its output invisible, its offsets not committed, the consumer rewinds), the rest commit.
   * The output holds each transformed input exactly once and the group's offsets end at the input's end.
   */
  static void consumeTransformProduce(Context ctx) throws Exception {
    String input = ctx.name("in");
    String output = ctx.name("out");
    String group = ctx.name("g");
    ctx.createTopic(input, 2);
    ctx.createTopic(output, 2);
    List<String> expected = new ArrayList<>();
    try (KafkaProducer<String, String> p = ctx.producer(Map.of())) {
      for (int i = 0; i < 30; i++) {
        p.send(new ProducerRecord<>(input, i % 2, "k" + i, "v" + i));
        expected.add("V" + i);
      }
      p.flush();
    }
    Map<String, Object> cc = new HashMap<>(READ_COMMITTED);
    cc.put(ConsumerConfig.GROUP_ID_CONFIG, group);
    cc.put(ConsumerConfig.MAX_POLL_RECORDS_CONFIG, 7);
    int[] aborted = {0};
    try (KafkaConsumer<String, String> c = ctx.consumer(cc); KafkaProducer<String, String> p = transactional(ctx, ctx.name("ctp"))) {
      c.subscribe(List.of(input));
      Map<TopicPartition, Long> end = new HashMap<>();
      Check.eventually(Duration.ofSeconds(60), "the group's position to reach the input's end", () -> {
        ConsumerRecords<String, String> records = c.poll(Duration.ofMillis(100));
        if (!records.isEmpty()) {
          Map<TopicPartition, OffsetAndMetadata> next = new HashMap<>();
          p.beginTransaction();
          for (ConsumerRecord<String, String> r : records) {
            p.send(new ProducerRecord<>(output, r.key(), r.value().toUpperCase()));
            next.put(new TopicPartition(r.topic(), r.partition()), new OffsetAndMetadata(r.offset() + 1));
          }
          p.sendOffsetsToTransaction(next, c.groupMetadata());
          if (aborted[0] == 0) {
            aborted[0]++;
            p.abortTransaction();
            try {
              Check.that(ctx.admin().listConsumerGroupOffsets(group).partitionsToOffsetAndMetadata().get().values().stream().allMatch(o -> o == null),
                  "no offsets committed by the aborted transaction");
            } catch (Exception e) {
              throw new IllegalStateException(e);
            }
            // Rewind to what is committed (nothing yet: the beginning).
            for (TopicPartition tp : records.partitions()) c.seek(tp, records.records(tp).get(0).offset());
          } else {
            p.commitTransaction();
          }
        }
        if (end.isEmpty() && !c.assignment().isEmpty()) end.putAll(c.endOffsets(c.assignment()));
        if (end.isEmpty() || c.assignment().size() < 2) return false;
        for (TopicPartition tp : end.keySet()) if (c.position(tp) < end.get(tp)) return false;
        return true;
      }, () -> "assignment " + c.assignment());
    }
    Check.equal(1, aborted[0], "one transaction aborted");
    try (KafkaConsumer<String, String> rc = ctx.consumer(READ_COMMITTED)) {
      List<String> out = Records.values(Records.readToEnd(rc, List.of(output)));
      Check.equal(expected.size(), out.size(), "output records (each input exactly once)");
      Check.equal(new TreeSet<>(expected), new TreeSet<>(out), "output values");
    }
    Map<TopicPartition, OffsetAndMetadata> offsets = ctx.admin().listConsumerGroupOffsets(group).partitionsToOffsetAndMetadata().get();
    Check.equal(15L, offsets.get(new TopicPartition(input, 0)).offset(), "committed offset of input partition 0");
    Check.equal(15L, offsets.get(new TopicPartition(input, 1)).offset(), "committed offset of input partition 1");
  }

  /**
   * A second producer with the same transactional.id fences the first: the first's open transaction is aborted by
   * the coordinator and its next operation fails with ProducerFencedException; the new one commits.
   */
  static void fencing(Context ctx) throws Exception {
    String topic = ctx.name("t");
    String id = ctx.name("txn");
    ctx.createTopic(topic, 1);
    try (KafkaProducer<String, String> first = transactional(ctx, id)) {
      first.beginTransaction();
      first.send(new ProducerRecord<>(topic, "k", "zombie")).get();
      try (KafkaProducer<String, String> second = transactional(ctx, id)) {
        Check.throwsA(ProducerFencedException.class, first::commitTransaction, "commit by the fenced producer");
        second.beginTransaction();
        second.send(new ProducerRecord<>(topic, "k", "alive"));
        second.commitTransaction();
      }
    }
    try (KafkaConsumer<String, String> rc = ctx.consumer(Map.of(ConsumerConfig.ISOLATION_LEVEL_CONFIG, "read_committed"))) {
      Check.equal(List.of("alive"), Records.values(Records.readToEnd(rc, List.of(topic))), "read_committed after fencing");
    }
  }
}
