package dev.brook.interop.scenarios;

import dev.brook.interop.Check;
import dev.brook.interop.Context;
import dev.brook.interop.Scenarios.Registry;
import dev.brook.interop.support.Records;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.Future;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.clients.producer.RecordMetadata;
import org.apache.kafka.common.InvalidRecordException;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.errors.RecordTooLargeException;
import org.apache.kafka.common.header.Header;

/** The producer: idempotence with every compression codec, and acks 0, 1 and all. */
public final class ProducerScenarios {
  private ProducerScenarios() {}

  static final List<String> CODECS = List.of("none", "gzip", "snappy", "lz4", "zstd");
  static final int PER_RUN = 300;

  public static void register(Registry r) {
    r.add("producer.idempotent-codecs", ProducerScenarios::idempotentCodecs);
    r.add("producer.acks", ProducerScenarios::acks);
    r.add("producer.rejections", ProducerScenarios::rejections);
  }

  /**
   * One idempotent producer per codec (acks=all, 5 in flight, small batches so several are in flight at once);
   * every send acknowledged with offsets that rise in send order per partition, and everything read back
   * exactly once with keys, headers, timestamps and a large compressible value intact.
   */
  static void idempotentCodecs(Context ctx) throws Exception {
    String topic = ctx.name("codecs");
    ctx.createTopic(topic, 3);
    List<ProducerRecord<String, String>> sent = new ArrayList<>();
    for (String codec : CODECS) {
      Map<String, Object> cfg = Map.of(
          ProducerConfig.ENABLE_IDEMPOTENCE_CONFIG, true,
          ProducerConfig.ACKS_CONFIG, "all",
          ProducerConfig.COMPRESSION_TYPE_CONFIG, codec,
          ProducerConfig.MAX_IN_FLIGHT_REQUESTS_PER_CONNECTION, 5,
          ProducerConfig.BATCH_SIZE_CONFIG, 2048,
          ProducerConfig.LINGER_MS_CONFIG, 2);
      List<ProducerRecord<String, String>> batch = records(topic, codec, PER_RUN);
      try (KafkaProducer<String, String> producer = ctx.producer(cfg)) {
        List<Future<RecordMetadata>> acks = new ArrayList<>();
        for (ProducerRecord<String, String> r : batch) acks.add(producer.send(r));
        producer.flush();
        checkAcknowledged(codec, acks);
      }
      sent.addAll(batch);
      ctx.log("%s: %d records acknowledged", codec, batch.size());
    }
    checkReadBack(ctx, topic, sent, true);
  }

  /**
   * Non-idempotent producers with acks=0 (no response: offsets unknown to the client), acks=1 and acks=all;
   * every record arrives (acks=0 is awaited by reading, as there is no acknowledgement to wait on).
   */
  static void acks(Context ctx) throws Exception {
    String topic = ctx.name("acks");
    ctx.createTopic(topic, 2);
    List<ProducerRecord<String, String>> sent = new ArrayList<>();
    for (String acks : List.of("0", "1", "all")) {
      Map<String, Object> cfg = Map.of(
          ProducerConfig.ENABLE_IDEMPOTENCE_CONFIG, false,
          ProducerConfig.ACKS_CONFIG, acks,
          ProducerConfig.MAX_IN_FLIGHT_REQUESTS_PER_CONNECTION, 1,
          ProducerConfig.COMPRESSION_TYPE_CONFIG, acks.equals("1") ? "lz4" : "none");
      List<ProducerRecord<String, String>> batch = records(topic, "acks" + acks, 100);
      try (KafkaProducer<String, String> producer = ctx.producer(cfg)) {
        List<Future<RecordMetadata>> results = new ArrayList<>();
        for (ProducerRecord<String, String> r : batch) results.add(producer.send(r));
        producer.flush();
        if (acks.equals("0")) {
          // acks=0: the broker sends no response, so the client reports offset -1 for every record.
          for (Future<RecordMetadata> f : results) Check.equal(-1L, f.get().offset(), "acks=0 offset");
        } else {
          checkAcknowledged("acks=" + acks, results);
        }
      }
      sent.addAll(batch);
    }
    checkReadBack(ctx, topic, sent, false);
  }

  /**
   * What the broker refuses reaches the application as Kafka's exceptions: a batch over the topic's
   * max.message.bytes (MESSAGE_TOO_LARGE) and a record without a key on a compacted topic (INVALID_RECORD);
   * the producer stays usable and the accepted records are there.
   */
  static void rejections(Context ctx) throws Exception {
    String small = ctx.name("small");
    String compacted = ctx.name("compacted");
    ctx.createTopic(small, 1, Map.of("max.message.bytes", "10000"));
    ctx.createTopic(compacted, 1, Map.of("cleanup.policy", "compact"));
    try (KafkaProducer<String, String> producer = ctx.producer(Map.of(ProducerConfig.LINGER_MS_CONFIG, 0))) {
      Check.throwsA(RecordTooLargeException.class, () -> producer.send(new ProducerRecord<>(small, "k", "x".repeat(20_000))).get(),
          "a record over the topic's max.message.bytes");
      Check.throwsA(InvalidRecordException.class, () -> producer.send(new ProducerRecord<>(compacted, null, "no key")).get(),
          "a record without a key on a compacted topic");
      Check.equal(0L, producer.send(new ProducerRecord<>(small, "k", "fits")).get().offset(), "offset of the first accepted record");
      Check.equal(0L, producer.send(new ProducerRecord<>(compacted, "k", "keyed")).get().offset(), "offset of a keyed record");
    }
  }

  /** Keys cycle over 7 values per tag (one producer writes each key, so send order is key order); every 50th record carries a 256 KiB compressible value. */
  static List<ProducerRecord<String, String>> records(String topic, String tag, int count) {
    long base = System.currentTimeMillis() - 60_000;
    List<ProducerRecord<String, String>> out = new ArrayList<>();
    for (int i = 0; i < count; i++) {
      String value = tag + "-" + i + (i % 50 == 0 ? "-" + "brook".repeat(256 * 1024 / 5) : "");
      ProducerRecord<String, String> r = new ProducerRecord<>(topic, null, base + i, tag + ":key-" + (i % 7), value);
      r.headers().add("tag", tag.getBytes(StandardCharsets.UTF_8)).add("seq", Integer.toString(i).getBytes(StandardCharsets.UTF_8));
      out.add(r);
    }
    return out;
  }

  /** Offsets per partition strictly rise in send order (idempotence keeps order with 5 in flight). */
  static void checkAcknowledged(String what, List<Future<RecordMetadata>> acks) throws Exception {
    Map<Integer, Long> last = new HashMap<>();
    for (Future<RecordMetadata> f : acks) {
      RecordMetadata m = f.get();
      Check.that(m.hasOffset(), what + ": acknowledgement without an offset");
      Long prev = last.put(m.partition(), m.offset());
      Check.that(prev == null || m.offset() > prev, what + ": partition " + m.partition() + " offset " + m.offset() + " after " + prev);
    }
  }

  /** Every sent record read back exactly once, per key in send order, with its key, timestamp and headers. */
  static void checkReadBack(Context ctx, String topic, List<ProducerRecord<String, String>> sent, boolean acknowledged) {
    // Fetch limits far below the batch (and record) sizes: the broker must still return the first batch of a
    // partition whole so the consumer makes progress (KIP-74).
    Map<String, Object> small = Map.of(ConsumerConfig.MAX_PARTITION_FETCH_BYTES_CONFIG, 1024, ConsumerConfig.FETCH_MAX_BYTES_CONFIG, 4096);
    try (KafkaConsumer<String, String> consumer = ctx.consumer(small)) {
      if (!acknowledged) {
        // acks=0 has no acknowledgement: wait until the log end offsets account for every record sent.
        List<TopicPartition> tps = Records.partitions(consumer, topic);
        Check.eventually(Duration.ofSeconds(30), sent.size() + " records in the log", () -> total(consumer.endOffsets(tps)) >= sent.size(),
            () -> consumer.endOffsets(tps).toString());
      }
      List<ConsumerRecord<String, String>> got = Records.readToEnd(consumer, List.of(topic));
      Check.equal(sent.size(), got.size(), "records read back");
      Map<String, ProducerRecord<String, String>> byValue = new HashMap<>();
      for (ProducerRecord<String, String> r : sent) byValue.put(r.value(), r);
      Set<String> seen = new HashSet<>();
      for (ConsumerRecord<String, String> r : got) {
        ProducerRecord<String, String> want = byValue.get(r.value());
        Check.that(want != null, "unexpected record " + abbreviate(r.value()));
        Check.that(seen.add(r.value()), "record read twice: " + abbreviate(r.value()));
        Check.equal(want.key(), r.key(), "key of " + abbreviate(r.value()));
        Check.equal(want.timestamp(), r.timestamp(), "timestamp of " + abbreviate(r.value()));
        Header tag = r.headers().lastHeader("tag");
        Header seq = r.headers().lastHeader("seq");
        Check.that(tag != null && seq != null, "headers of " + abbreviate(r.value()));
        Check.equal(new String(want.headers().lastHeader("seq").value(), StandardCharsets.UTF_8),
            new String(seq.value(), StandardCharsets.UTF_8), "seq header of " + abbreviate(r.value()));
      }
      // Per key, the order of sends (one producer at a time, so send order is the sequence number order).
      Map<String, List<String>> expected = new HashMap<>();
      for (ProducerRecord<String, String> r : sent) expected.computeIfAbsent(r.key(), k -> new ArrayList<>()).add(abbreviate(r.value()));
      Map<String, List<String>> actual = new HashMap<>();
      for (ConsumerRecord<String, String> r : got) actual.computeIfAbsent(r.key(), k -> new ArrayList<>()).add(abbreviate(r.value()));
      Check.equal(expected, actual, "values per key in send order");
      ctx.log("read back %d records exactly once, in order per key", got.size());
    }
  }

  static long total(Map<TopicPartition, Long> offsets) {
    long sum = 0;
    for (long o : offsets.values()) sum += o;
    return sum;
  }

  static String abbreviate(String value) {
    return value.length() > 40 ? value.substring(0, 40) + "...(" + value.length() + " chars)" : value;
  }
}
