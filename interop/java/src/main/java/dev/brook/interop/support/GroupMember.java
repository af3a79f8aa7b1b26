package dev.brook.interop.support;

import dev.brook.interop.Context;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.atomic.AtomicReference;
import org.apache.kafka.clients.consumer.CloseOptions;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerGroupMetadata;
import org.apache.kafka.clients.consumer.ConsumerRebalanceListener;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.consumer.SubscriptionPattern;
import org.apache.kafka.common.TopicPartition;

/**
 * One consumer-group member on its own thread: subscribe, poll, record what it got, commitSync after each poll
 * (so a clean rebalance never re-delivers). Records every rebalance callback, so scenarios can assert on the
 * protocol (eager revokes everything, cooperative only what moves, a static rejoin nothing).
 * Extra consumer config (assignor, group.instance.id, later group.protocol=consumer) comes from the scenario.
 */
public final class GroupMember implements AutoCloseable {
  /** One rebalance callback: kind is "assigned", "revoked" or "lost"; partitions sorted. */
  public record Event(String kind, List<Integer> partitions) {}

  private final String name;
  private final Thread thread;
  private final ConcurrentLinkedQueue<String> consumed = new ConcurrentLinkedQueue<>();
  private final List<Event> events = new ArrayList<>();
  private final AtomicReference<Set<Integer>> assignment = new AtomicReference<>(Set.of());
  private final AtomicReference<Set<TopicPartition>> topicPartitions = new AtomicReference<>(Set.of());
  private final AtomicReference<Throwable> failure = new AtomicReference<>();
  private volatile ConsumerGroupMetadata groupMetadata;
  private volatile boolean stopping;
  private volatile boolean remainInGroup;
  private final Ownership ownership;
  private final String pattern;

  public GroupMember(Context ctx, String name, String group, String topic, Map<String, Object> extra) {
    this(ctx, name, group, topic, null, extra, null);
  }

  /** A member of a KIP-848 group: `pattern` (a broker-side RE2 regex) replaces the topic when not null. */
  public GroupMember(Context ctx, String name, String group, String topic, String pattern, Map<String, Object> extra, Ownership ownership) {
    this.name = name;
    this.pattern = pattern;
    this.ownership = ownership;
    Map<String, Object> config = new HashMap<>(extra);
    config.put(ConsumerConfig.GROUP_ID_CONFIG, group);
    config.put(ConsumerConfig.CLIENT_ID_CONFIG, name);
    // KIP-848 members get their session and heartbeat settings from the broker (the client refuses them).
    if (!"consumer".equals(String.valueOf(config.get(ConsumerConfig.GROUP_PROTOCOL_CONFIG)))) {
      config.putIfAbsent(ConsumerConfig.SESSION_TIMEOUT_MS_CONFIG, 10_000);
      config.putIfAbsent(ConsumerConfig.HEARTBEAT_INTERVAL_MS_CONFIG, 500);
    }
    KafkaConsumer<String, String> consumer = ctx.consumer(config);
    thread = new Thread(() -> loop(consumer, topic), "member-" + name);
    thread.start();
  }

  private void loop(KafkaConsumer<String, String> consumer, String topic) {
    try {
      ConsumerRebalanceListener listener = new ConsumerRebalanceListener() {
        @Override
        public void onPartitionsRevoked(Collection<TopicPartition> partitions) {
          event("revoked", partitions);
        }

        @Override
        public void onPartitionsAssigned(Collection<TopicPartition> partitions) {
          event("assigned", partitions);
        }

        @Override
        public void onPartitionsLost(Collection<TopicPartition> partitions) {
          event("lost", partitions);
        }
      };
      if (pattern != null) consumer.subscribe(new SubscriptionPattern(pattern), listener);
      else consumer.subscribe(List.of(topic), listener);
      while (!stopping) {
        boolean any = false;
        for (ConsumerRecord<String, String> r : consumer.poll(Duration.ofMillis(100))) {
          consumed.add(r.value());
          any = true;
        }
        if (any) consumer.commitSync();
        groupMetadata = consumer.groupMetadata();
        Set<Integer> now = new TreeSet<>();
        for (TopicPartition tp : consumer.assignment()) now.add(tp.partition());
        assignment.set(now);
        topicPartitions.set(Set.copyOf(consumer.assignment()));
      }
    } catch (Throwable t) {
      failure.set(t);
    } finally {
      try {
        if (remainInGroup) consumer.close(CloseOptions.groupMembershipOperation(CloseOptions.GroupMembershipOperation.REMAIN_IN_GROUP));
        else consumer.close();
      } catch (Throwable t) {
        failure.compareAndSet(null, t);
      }
    }
  }

  private void event(String kind, Collection<TopicPartition> partitions) {
    if (ownership != null) {
      if (kind.equals("assigned")) ownership.assigned(name, partitions);
      else ownership.released(name, partitions);
    }
    List<Integer> ps = new ArrayList<>();
    for (TopicPartition tp : partitions) ps.add(tp.partition());
    ps.sort(null);
    synchronized (events) {
      events.add(new Event(kind, ps));
    }
  }

  public String name() {
    return name;
  }

  /** The partitions owned after the last poll. */
  public Set<Integer> assignment() {
    return assignment.get();
  }

  public List<String> consumed() {
    return new ArrayList<>(consumed);
  }

  public List<Event> events() {
    synchronized (events) {
      return new ArrayList<>(events);
    }
  }

  public int generation() {
    ConsumerGroupMetadata m = groupMetadata;
    return m == null ? -1 : m.generationId();
  }

  /** A member whose poll loop died fails the scenario with the client's exception. */
  public void rethrowFailure() {
    Throwable t = failure.get();
    if (t != null) throw new IllegalStateException("member " + name + " failed: " + t, t);
  }

  @Override
  public String toString() {
    return name + assignment() + " consumed=" + consumed.size() + " events=" + events();
  }

  /** Stops polling and closes the consumer (a dynamic member leaves the group; a static one does not, KIP-345). */
  @Override
  public void close() throws InterruptedException {
    stopping = true;
    thread.join(60_000);
    rethrowFailure();
  }

  /** Stops polling and closes without leaving the group: to the broker, a member that died (KIP-1092). */
  public void kill() throws InterruptedException {
    remainInGroup = true;
    close();
  }

  /** The topic-partitions owned after the last poll (regex members own several topics). */
  public Set<TopicPartition> topicPartitions() {
    return topicPartitions.get();
  }
}
