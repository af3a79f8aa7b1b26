package dev.brook.interop.scenarios;

import dev.brook.interop.Check;
import dev.brook.interop.Context;
import dev.brook.interop.Scenarios.Registry;
import dev.brook.interop.support.Records;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.TreeMap;
import java.util.concurrent.atomic.AtomicReference;
import java.util.stream.Stream;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.consumer.OffsetAndMetadata;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.Serdes;
import org.apache.kafka.streams.KafkaStreams;
import org.apache.kafka.streams.KeyValue;
import org.apache.kafka.streams.StreamsBuilder;
import org.apache.kafka.streams.StreamsConfig;
import org.apache.kafka.streams.errors.StreamsUncaughtExceptionHandler;
import org.apache.kafka.streams.kstream.Consumed;
import org.apache.kafka.streams.kstream.Grouped;
import org.apache.kafka.streams.kstream.KStream;
import org.apache.kafka.streams.kstream.KTable;
import org.apache.kafka.streams.kstream.Materialized;
import org.apache.kafka.streams.kstream.Produced;
import org.apache.kafka.streams.kstream.TimeWindows;

/**
 * A Kafka Streams application on Brook with processing.guarantee=exactly_once_v2: a one-minute windowed count of
 * clicks per user, a stream-table join of clicks with the users' regions, and a count per page (a re-keying
 * groupBy, so through a repartition topic Streams creates, writes and purges), checked for the exact output.
 */
public final class StreamsScenarios {
  private StreamsScenarios() {}

  public static void register(Registry r) {
    r.add("streams.eos-windowed-count-join", StreamsScenarios::windowedCountAndJoin);
  }

  /** A click or a user update: key, value and the offset (ms) of its timestamp from the start of a minute. */
  record Input(String key, String value, long at) {}

  static final List<Input> USERS = List.of(
      new Input("u1", "eu", 1_000), new Input("u2", "us", 1_000), new Input("u3", "apac", 1_000),
      new Input("u1", "na", 65_000)); // u1 moves: clicks after 65 s join with the new region

  static final List<Input> CLICKS = List.of(
      new Input("u1", "home", 10_000), new Input("u2", "home", 11_000), new Input("u1", "cart", 20_000),
      new Input("u3", "home", 30_000), new Input("u1", "pay", 59_000), new Input("u2", "cart", 61_000),
      new Input("u1", "home", 70_000), new Input("u4", "home", 72_000)); // u4 has no region: the inner join drops it

  /** Every update of the windowed count (the record cache is off): key "user@window-start-seconds". */
  static final Map<String, List<String>> EXPECTED_COUNTS = new TreeMap<>(Map.of(
      "u1@0", List.of("1", "2", "3"), "u2@0", List.of("1"), "u3@0", List.of("1"),
      "u1@60", List.of("1"), "u2@60", List.of("1"), "u4@60", List.of("1")));

  /** Counts per page through the repartition topic: each page's updates rise by one whatever the input partition. */
  static final Map<String, List<String>> EXPECTED_PAGES = new TreeMap<>(Map.of(
      "home", List.of("1", "2", "3", "4", "5"), "cart", List.of("1", "2"), "pay", List.of("1")));

  static final Map<String, List<String>> EXPECTED_JOIN = new TreeMap<>(Map.of(
      "u1", List.of("eu/home", "eu/cart", "eu/pay", "na/home"), "u2", List.of("us/home", "us/cart"), "u3", List.of("apac/home")));

  static void windowedCountAndJoin(Context ctx) throws Exception {
    String clicks = ctx.name("clicks");
    String users = ctx.name("users");
    String counts = ctx.name("counts");
    String joined = ctx.name("enriched");
    String pages = ctx.name("pages");
    for (String t : List.of(clicks, users, counts, joined, pages)) ctx.createTopic(t, 2);
    // Timestamps from the start of a minute half an hour ago, so windows start at +0 s and +60 s.
    long base = (System.currentTimeMillis() - 1_800_000) / 60_000 * 60_000;
    try (KafkaProducer<String, String> p = ctx.producer(Map.of())) {
      for (Input u : USERS) p.send(new ProducerRecord<>(users, null, base + u.at(), u.key(), u.value()));
      for (Input c : CLICKS) p.send(new ProducerRecord<>(clicks, null, base + c.at(), c.key(), c.value()));
      p.flush();
    }

    StreamsBuilder builder = new StreamsBuilder();
    KStream<String, String> clickStream = builder.stream(clicks, Consumed.with(Serdes.String(), Serdes.String()));
    KTable<String, String> regions = builder.table(users, Consumed.with(Serdes.String(), Serdes.String()), Materialized.as("regions"));
    clickStream.groupByKey()
        .windowedBy(TimeWindows.ofSizeAndGrace(Duration.ofMinutes(1), Duration.ofMinutes(10)))
        .count(Materialized.as("clicks-per-minute"))
        .toStream()
        .map((windowed, n) -> KeyValue.pair(windowed.key() + "@" + (windowed.window().start() - base) / 1000, Long.toString(n)))
        .to(counts, Produced.with(Serdes.String(), Serdes.String()));
    clickStream.join(regions, (page, region) -> region + "/" + page).to(joined, Produced.with(Serdes.String(), Serdes.String()));
    clickStream.groupBy((user, page) -> page, Grouped.as("by-page"))
        .count(Materialized.as("page-counts"))
        .toStream()
        .mapValues(n -> Long.toString(n))
        .to(pages, Produced.with(Serdes.String(), Serdes.String()));

    Path stateDir = Files.createTempDirectory("brook-interop-streams-");
    String appId = ctx.name("app");
    Properties props = new Properties();
    props.put(StreamsConfig.APPLICATION_ID_CONFIG, appId);
    props.put(StreamsConfig.BOOTSTRAP_SERVERS_CONFIG, ctx.bootstrap());
    props.put(StreamsConfig.PROCESSING_GUARANTEE_CONFIG, StreamsConfig.EXACTLY_ONCE_V2);
    props.put(StreamsConfig.STATE_DIR_CONFIG, stateDir.toString());
    props.put(StreamsConfig.STATESTORE_CACHE_MAX_BYTES_CONFIG, 0);
    props.put(StreamsConfig.COMMIT_INTERVAL_MS_CONFIG, 100);
    props.put(StreamsConfig.DEFAULT_KEY_SERDE_CLASS_CONFIG, Serdes.StringSerde.class);
    props.put(StreamsConfig.DEFAULT_VALUE_SERDE_CLASS_CONFIG, Serdes.StringSerde.class);
    props.put(StreamsConfig.REPARTITION_PURGE_INTERVAL_MS_CONFIG, 100);
    props.put("processing.exception.handler.global.enabled", true); // the Kafka 5.0 default; silences a warning

    AtomicReference<Throwable> crashed = new AtomicReference<>();
    KafkaStreams streams = new KafkaStreams(builder.build(), props);
    streams.setUncaughtExceptionHandler(e -> {
      crashed.set(e);
      return StreamsUncaughtExceptionHandler.StreamThreadExceptionResponse.SHUTDOWN_CLIENT;
    });
    int expected = 0;
    for (Map<String, List<String>> m : List.of(EXPECTED_COUNTS, EXPECTED_JOIN, EXPECTED_PAGES)) expected += m.values().stream().mapToInt(List::size).sum();
    final int expectedRecords = expected;
    try {
      streams.start();
      try (KafkaConsumer<String, String> rc = ctx.consumer(Map.of(ConsumerConfig.ISOLATION_LEVEL_CONFIG, "read_committed"))) {
        List<TopicPartition> out = new ArrayList<>(Records.partitions(rc, counts));
        out.addAll(Records.partitions(rc, joined));
        out.addAll(Records.partitions(rc, pages));
        rc.assign(out);
        rc.seekToBeginning(out);
        List<ConsumerRecord<String, String>> seen = new ArrayList<>();
        Check.eventually(Duration.ofSeconds(90), expectedRecords + " committed output records", () -> {
          if (crashed.get() != null) throw new IllegalStateException("the Streams application failed: " + crashed.get(), crashed.get());
          rc.poll(Duration.ofMillis(100)).forEach(seen::add);
          return seen.size() >= expectedRecords;
        }, () -> "state " + streams.state() + ", " + seen.size() + " records: " + seen.stream().map(r -> r.key() + "=" + r.value()).toList());
      }
    } finally {
      streams.close(Duration.ofSeconds(30));
      streams.cleanUp();
      deleteTree(stateDir);
    }
    Check.that(crashed.get() == null, "the Streams application failed: " + crashed.get());

    // After a clean close everything is committed: the outputs, read to their end, are exactly the expected ones.
    try (KafkaConsumer<String, String> rc = ctx.consumer(Map.of(ConsumerConfig.ISOLATION_LEVEL_CONFIG, "read_committed"))) {
      Check.equal(EXPECTED_COUNTS, new TreeMap<>(Records.valuesByKey(Records.readToEnd(rc, List.of(counts)))), "windowed counts");
    }
    try (KafkaConsumer<String, String> rc = ctx.consumer(Map.of(ConsumerConfig.ISOLATION_LEVEL_CONFIG, "read_committed"))) {
      Check.equal(EXPECTED_JOIN, new TreeMap<>(Records.valuesByKey(Records.readToEnd(rc, List.of(joined)))), "stream-table join");
    }
    try (KafkaConsumer<String, String> rc = ctx.consumer(Map.of(ConsumerConfig.ISOLATION_LEVEL_CONFIG, "read_committed"))) {
      Check.equal(EXPECTED_PAGES, new TreeMap<>(Records.valuesByKey(Records.readToEnd(rc, List.of(pages)))), "counts per page (repartitioned)");
    }
    // The application's input offsets were committed inside its transactions, up to the end of each input.
    Map<TopicPartition, OffsetAndMetadata> committed = ctx.admin().listConsumerGroupOffsets(appId).partitionsToOffsetAndMetadata().get();
    try (KafkaConsumer<String, String> c = ctx.consumer(Map.of())) {
      List<TopicPartition> inputs = new ArrayList<>(Records.partitions(c, clicks));
      inputs.addAll(Records.partitions(c, users));
      Map<TopicPartition, Long> end = c.endOffsets(inputs);
      for (TopicPartition tp : inputs) {
        if (end.get(tp) == 0) continue;
        OffsetAndMetadata o = committed.get(tp);
        Check.that(o != null, "no committed offset for input " + tp + ": " + committed);
        Check.equal(end.get(tp), o.offset(), "committed offset of input " + tp);
      }
    }
    ctx.log("streams: %d output records (windowed counts, join, repartitioned counts), exactly as expected", expectedRecords);
  }

  static void deleteTree(Path dir) throws IOException {
    if (!Files.exists(dir)) return;
    try (Stream<Path> paths = Files.walk(dir)) {
      for (Path p : paths.sorted(Comparator.reverseOrder()).toList()) Files.deleteIfExists(p);
    }
  }
}
