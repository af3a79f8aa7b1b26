package dev.brook.interop.support;

import dev.brook.interop.Check;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.PartitionInfo;
import org.apache.kafka.common.TopicPartition;

/** Reading whole topics back, the way a test verifies what a broker stored. */
public final class Records {
  private Records() {}

  public static List<TopicPartition> partitions(KafkaConsumer<?, ?> consumer, String topic) {
    List<TopicPartition> out = new ArrayList<>();
    for (PartitionInfo p : consumer.partitionsFor(topic, Duration.ofSeconds(30))) out.add(new TopicPartition(topic, p.partition()));
    return out;
  }

  /**
   * Assigns every partition of the topics, starts at the beginning and reads until the consumer's position reaches
   * the end offsets taken now (for a read_committed consumer: the last stable offsets). Returns records in fetch order.
   */
  public static List<ConsumerRecord<String, String>> readToEnd(KafkaConsumer<String, String> consumer, Collection<String> topics) {
    List<TopicPartition> tps = new ArrayList<>();
    for (String t : topics) tps.addAll(partitions(consumer, t));
    consumer.assign(tps);
    consumer.seekToBeginning(tps);
    Map<TopicPartition, Long> end = consumer.endOffsets(tps, Duration.ofSeconds(30));
    List<ConsumerRecord<String, String>> out = new ArrayList<>();
    Check.eventually(Duration.ofSeconds(60), "positions to reach end offsets " + end, () -> {
      for (ConsumerRecord<String, String> r : consumer.poll(Duration.ofMillis(100))) out.add(r);
      for (TopicPartition tp : tps) if (consumer.position(tp) < end.get(tp)) return false;
      return true;
    }, () -> out.size() + " records read");
    return out;
  }

  /** Reads until at least `count` records arrived (for data whose end is not known in advance). */
  public static List<ConsumerRecord<String, String>> readAtLeast(KafkaConsumer<String, String> consumer, int count, Duration limit) {
    List<ConsumerRecord<String, String>> out = new ArrayList<>();
    Check.eventually(limit, count + " records", () -> {
      for (ConsumerRecord<String, String> r : consumer.poll(Duration.ofMillis(100))) out.add(r);
      return out.size() >= count;
    }, () -> out.size() + " records read");
    return out;
  }

  public static List<String> values(List<ConsumerRecord<String, String>> records) {
    List<String> out = new ArrayList<>();
    for (ConsumerRecord<String, String> r : records) out.add(r.value());
    return out;
  }

  /** Values grouped by key, each list in offset order (Kafka orders per partition, and a key stays in one). */
  public static Map<String, List<String>> valuesByKey(List<ConsumerRecord<String, String>> records) {
    Map<String, List<String>> out = new HashMap<>();
    for (ConsumerRecord<String, String> r : records) out.computeIfAbsent(r.key(), k -> new ArrayList<>()).add(r.value());
    return out;
  }
}
