package dev.brook.interop.scenarios;

import dev.brook.interop.Check;
import dev.brook.interop.Context;
import dev.brook.interop.Scenarios.Registry;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.apache.kafka.clients.admin.AbortTransactionSpec;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AlterConfigOp;
import org.apache.kafka.clients.admin.Config;
import org.apache.kafka.clients.admin.ConfigEntry;
import org.apache.kafka.clients.admin.ConsumerGroupDescription;
import org.apache.kafka.clients.admin.CreateTopicsOptions;
import org.apache.kafka.clients.admin.DescribeClusterResult;
import org.apache.kafka.clients.admin.GroupListing;
import org.apache.kafka.clients.admin.ListConsumerGroupOffsetsOptions;
import org.apache.kafka.clients.admin.ListGroupsOptions;
import org.apache.kafka.clients.admin.LogDirDescription;
import org.apache.kafka.clients.admin.ListOffsetsOptions;
import org.apache.kafka.clients.admin.ListOffsetsResult.ListOffsetsResultInfo;
import org.apache.kafka.clients.admin.ListTransactionsOptions;
import org.apache.kafka.clients.admin.NewPartitions;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.clients.admin.OffsetSpec;
import org.apache.kafka.clients.admin.ProducerState;
import org.apache.kafka.clients.admin.RecordsToDelete;
import org.apache.kafka.clients.admin.TopicDescription;
import org.apache.kafka.clients.admin.TransactionDescription;
import org.apache.kafka.clients.admin.TransactionListing;
import org.apache.kafka.clients.admin.TransactionState;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.consumer.OffsetAndMetadata;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.GroupState;
import org.apache.kafka.common.IsolationLevel;
import org.apache.kafka.common.Node;
import org.apache.kafka.common.TopicCollection;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.Uuid;
import org.apache.kafka.common.config.ConfigResource;
import org.apache.kafka.common.errors.GroupIdNotFoundException;
import org.apache.kafka.common.errors.GroupNotEmptyException;
import org.apache.kafka.common.errors.GroupSubscribedToTopicException;
import org.apache.kafka.common.errors.InvalidPartitionsException;
import org.apache.kafka.common.errors.OffsetOutOfRangeException;
import org.apache.kafka.common.errors.ProducerFencedException;
import org.apache.kafka.common.errors.TopicExistsException;
import org.apache.kafka.common.errors.UnknownMemberIdException;
import org.apache.kafka.common.errors.UnknownTopicOrPartitionException;

/** The Admin client: topics, partitions, configs, consumer-group offsets, records, producers and transactions. */
public final class AdminScenarios {
  private AdminScenarios() {}

  public static void register(Registry r) {
    r.add("admin.topics-configs", AdminScenarios::topicsAndConfigs);
    r.add("admin.group-offsets", AdminScenarios::groupOffsets);
    r.add("admin.records-offsets", AdminScenarios::recordsAndOffsets);
    r.add("admin.producers-transactions", AdminScenarios::producersAndTransactions);
    r.add("admin.abort-hanging-transaction", AdminScenarios::abortHangingTransaction);
  }

  /**
   * describeCluster; createTopics (with configs, validateOnly, an existing name); listTopics; describeTopics;
   * createPartitions (growing, and the refused shrink); describeConfigs with sources; incrementalAlterConfigs
   * SET/APPEND/SUBTRACT/DELETE; deleteTopics.
   */
  static void topicsAndConfigs(Context ctx) throws Exception {
    Admin admin = ctx.admin();
    DescribeClusterResult cluster = admin.describeCluster();
    Collection<Node> nodes = cluster.nodes().get();
    Check.equal(1, nodes.size(), "nodes in the cluster");
    Node node = nodes.iterator().next();
    Check.equal(node, cluster.controller().get(), "controller (the single node)");
    Check.that(cluster.clusterId().get() != null && !cluster.clusterId().get().isEmpty(), "cluster id");

    String topic = ctx.name("t");
    String dry = ctx.name("dry");
    admin.createTopics(List.of(new NewTopic(topic, 3, (short) 1).configs(Map.of("retention.ms", "3600000", "cleanup.policy", "delete")))).all().get();
    admin.createTopics(List.of(new NewTopic(dry, 2, (short) 1)), new CreateTopicsOptions().validateOnly(true)).all().get();
    Check.failsWith(TopicExistsException.class, admin.createTopics(List.of(new NewTopic(topic, 1, (short) 1))).all(), "creating an existing topic");
    Set<String> names = admin.listTopics().names().get();
    Check.that(names.contains(topic), "listTopics has the new topic");
    Check.that(!names.contains(dry), "validateOnly created nothing");

    TopicDescription d = admin.describeTopics(List.of(topic)).allTopicNames().get().get(topic);
    Check.equal(3, d.partitions().size(), "partitions described");
    Check.that(!d.topicId().equals(Uuid.ZERO_UUID), "topic id is set");
    Check.equal(node.id(), d.partitions().get(0).leader().id(), "leader of partition 0");
    Check.that(!d.isInternal(), "a user topic is not internal");

    // By topic id (Metadata v10+/DescribeTopicPartitions), as newer tools do.
    TopicDescription byId = admin.describeTopics(TopicCollection.ofTopicIds(List.of(d.topicId()))).allTopicIds().get().get(d.topicId());
    Check.equal(topic, byId.name(), "topic described by id");

    admin.createPartitions(Map.of(topic, NewPartitions.increaseTo(5))).all().get();
    Check.equal(5, admin.describeTopics(List.of(topic)).allTopicNames().get().get(topic).partitions().size(), "partitions after createPartitions");
    Check.failsWith(InvalidPartitionsException.class, admin.createPartitions(Map.of(topic, NewPartitions.increaseTo(4))).all(), "shrinking a topic");

    ConfigResource res = new ConfigResource(ConfigResource.Type.TOPIC, topic);
    Config config = admin.describeConfigs(List.of(res)).all().get().get(res);
    ConfigEntry retention = config.get("retention.ms");
    Check.equal("3600000", retention.value(), "retention.ms as created");
    Check.equal(ConfigEntry.ConfigSource.DYNAMIC_TOPIC_CONFIG, retention.source(), "source of a topic override");
    ConfigEntry segment = config.get("segment.bytes");
    Check.that(segment != null && segment.isDefault(), "segment.bytes is described as a default: " + segment);

    ConfigResource broker = new ConfigResource(ConfigResource.Type.BROKER, Integer.toString(node.id()));
    Config brokerConfig = admin.describeConfigs(List.of(broker)).all().get().get(broker);
    Check.that(brokerConfig.get("log.retention.ms") != null || brokerConfig.get("log.retention.hours") != null, "broker config describes log retention");

    alter(admin, res, new AlterConfigOp(new ConfigEntry("retention.ms", "7200000"), AlterConfigOp.OpType.SET),
        new AlterConfigOp(new ConfigEntry("cleanup.policy", "compact"), AlterConfigOp.OpType.APPEND));
    config = admin.describeConfigs(List.of(res)).all().get().get(res);
    Check.equal("7200000", config.get("retention.ms").value(), "retention.ms after SET");
    Check.equal("delete,compact", config.get("cleanup.policy").value(), "cleanup.policy after APPEND");
    alter(admin, res, new AlterConfigOp(new ConfigEntry("retention.ms", ""), AlterConfigOp.OpType.DELETE),
        new AlterConfigOp(new ConfigEntry("cleanup.policy", "delete"), AlterConfigOp.OpType.SUBTRACT));
    config = admin.describeConfigs(List.of(res)).all().get().get(res);
    Check.equal("compact", config.get("cleanup.policy").value(), "cleanup.policy after SUBTRACT");
    Check.equal(ConfigEntry.ConfigSource.DEFAULT_CONFIG, config.get("retention.ms").source(), "retention.ms source after DELETE");
    Check.equal("604800000", config.get("retention.ms").value(), "retention.ms back to the default");

    // describeLogDirs: one directory holding every partition of the topic, with sizes.
    Map<String, LogDirDescription> dirs = admin.describeLogDirs(List.of(node.id())).allDescriptions().get().get(node.id());
    Check.that(dirs != null && !dirs.isEmpty(), "log dirs of the node: " + dirs);
    long replicas = dirs.values().stream().flatMap(x -> x.replicaInfos().keySet().stream()).filter(tp -> tp.topic().equals(topic)).count();
    Check.equal(5L, replicas, "replicas of the topic in the log dirs");

    admin.deleteTopics(TopicCollection.ofTopicIds(List.of(d.topicId()))).all().get();
    Check.that(!admin.listTopics().names().get().contains(topic), "listTopics after deleteTopics by id");
    Check.failsWith(UnknownTopicOrPartitionException.class, admin.describeTopics(List.of(topic)).allTopicNames(), "describing a deleted topic");
  }

  static void alter(Admin admin, ConfigResource res, AlterConfigOp... ops) throws Exception {
    admin.incrementalAlterConfigs(Map.of(res, List.of(ops))).all().get();
  }

  /**
   * Consumer-group administration: listGroups/describeConsumerGroups of an empty group with committed offsets;
   * listConsumerGroupOffsets; alterConsumerGroupOffsets (with metadata) and deleteConsumerGroupOffsets — refused
   * while a member is subscribed, as Kafka refuses them — and deleteConsumerGroups (refused while not empty).
   */
  static void groupOffsets(Context ctx) throws Exception {
    Admin admin = ctx.admin();
    String topic = ctx.name("t");
    String group = ctx.name("g");
    ctx.createTopic(topic, 2);
    try (KafkaProducer<String, String> p = ctx.producer(Map.of())) {
      for (int i = 0; i < 20; i++) p.send(new ProducerRecord<>(topic, i % 2, "k", "v" + i));
      p.flush();
    }
    TopicPartition p0 = new TopicPartition(topic, 0);
    TopicPartition p1 = new TopicPartition(topic, 1);
    try (KafkaConsumer<String, String> c = ctx.consumer(Map.of(ConsumerConfig.GROUP_ID_CONFIG, group))) {
      c.subscribe(List.of(topic));
      int[] seen = {0};
      Check.eventually(Duration.ofSeconds(30), "20 records consumed", () -> {
        seen[0] += c.poll(Duration.ofMillis(100)).count();
        return seen[0] >= 20;
      }, () -> seen[0] + " records");
      c.commitSync();

      // While the member is subscribed: offsets of its topic can be neither altered nor deleted, nor the group.
      ConsumerGroupDescription active = admin.describeConsumerGroups(List.of(group)).describedGroups().get(group).get();
      Check.equal(GroupState.STABLE, active.groupState(), "state with one member");
      Check.equal(1, active.members().size(), "members");
      Check.equal(Set.of(p0, p1), active.members().iterator().next().assignment().topicPartitions(), "member's assignment");
      Check.failsWith(GroupSubscribedToTopicException.class, admin.deleteConsumerGroupOffsets(group, Set.of(p0)).all(), "deleting offsets of a subscribed topic");
      Check.failsWith(UnknownMemberIdException.class, admin.alterConsumerGroupOffsets(group, Map.of(p0, new OffsetAndMetadata(1))).all(), "altering offsets of an active group");
      Check.failsWith(GroupNotEmptyException.class, admin.deleteConsumerGroups(List.of(group)).all(), "deleting an active group");
    }

    Collection<GroupListing> listed = admin.listGroups(ListGroupsOptions.forConsumerGroups()).all().get();
    GroupListing mine = listed.stream().filter(g -> g.groupId().equals(group)).findFirst().orElse(null);
    Check.that(mine != null, "listGroups has " + group + ": " + listed);
    Check.equal(GroupState.EMPTY, mine.groupState().orElse(null), "listed state after the member left");
    ConsumerGroupDescription empty = admin.describeConsumerGroups(List.of(group)).describedGroups().get(group).get();
    Check.equal(GroupState.EMPTY, empty.groupState(), "described state");
    Check.equal(0, empty.members().size(), "members after leaving");

    Map<TopicPartition, OffsetAndMetadata> offsets = admin.listConsumerGroupOffsets(group, new ListConsumerGroupOffsetsOptions().requireStable(true))
        .partitionsToOffsetAndMetadata().get();
    Check.equal(10L, offsets.get(p0).offset(), "committed offset of p0");
    Check.equal(10L, offsets.get(p1).offset(), "committed offset of p1");

    admin.alterConsumerGroupOffsets(group, Map.of(p0, new OffsetAndMetadata(3, "rewound"))).all().get();
    offsets = admin.listConsumerGroupOffsets(group).partitionsToOffsetAndMetadata().get();
    Check.equal(3L, offsets.get(p0).offset(), "p0 after alterConsumerGroupOffsets");
    Check.equal("rewound", offsets.get(p0).metadata(), "commit metadata");
    admin.deleteConsumerGroupOffsets(group, Set.of(p1)).all().get();
    offsets = admin.listConsumerGroupOffsets(group).partitionsToOffsetAndMetadata().get();
    Check.that(!offsets.containsKey(p1) || offsets.get(p1) == null, "p1 offset after deleteConsumerGroupOffsets: " + offsets);

    // A new member resumes where the altered offsets say.
    try (KafkaConsumer<String, String> c = ctx.consumer(Map.of(ConsumerConfig.GROUP_ID_CONFIG, group))) {
      c.assign(List.of(p0));
      List<ConsumerRecord<String, String>> got = new ArrayList<>();
      Check.eventually(Duration.ofSeconds(30), "p0 from offset 3", () -> {
        c.poll(Duration.ofMillis(100)).forEach(got::add);
        return got.size() >= 7;
      }, () -> got.size() + " records");
      Check.equal(3L, got.get(0).offset(), "first offset after the rewind");
    }

    admin.deleteConsumerGroups(List.of(group)).all().get();
    Check.that(admin.listGroups().all().get().stream().noneMatch(g -> g.groupId().equals(group)), "group listed after deleteConsumerGroups");
    try {
      ConsumerGroupDescription gone = admin.describeConsumerGroups(List.of(group)).describedGroups().get(group).get();
      Check.equal(GroupState.DEAD, gone.groupState(), "state of a deleted group");
    } catch (java.util.concurrent.ExecutionException e) {
      Check.that(e.getCause() instanceof GroupIdNotFoundException, "describing a deleted group: " + e.getCause());
    }
  }

  /**
   * listOffsets earliest/latest/max-timestamp/by-timestamp (one batch with explicit timestamps, the largest in the
   * middle), deleteRecords inside that batch (the log start offset moves to the exact offset; a consumer starts
   * there), and the refusal past the high watermark.
   */
  static void recordsAndOffsets(Context ctx) throws Exception {
    Admin admin = ctx.admin();
    String topic = ctx.name("t");
    ctx.createTopic(topic, 1);
    TopicPartition tp = new TopicPartition(topic, 0);
    long base = System.currentTimeMillis() - 600_000;
    try (KafkaProducer<String, String> p = ctx.producer(Map.of(ProducerConfig.LINGER_MS_CONFIG, 50))) {
      for (int i = 0; i < 10; i++) {
        long ts = i == 5 ? base + 100_000 : base + i * 1000;
        p.send(new ProducerRecord<>(topic, 0, ts, "k", "v" + i));
      }
      p.flush();
    }
    Check.equal(0L, offset(admin, tp, OffsetSpec.earliest()).offset(), "earliest");
    Check.equal(10L, offset(admin, tp, OffsetSpec.latest()).offset(), "latest");
    ListOffsetsResultInfo max = offset(admin, tp, OffsetSpec.maxTimestamp());
    Check.equal(5L, max.offset(), "offset of the max timestamp");
    Check.equal(base + 100_000, max.timestamp(), "max timestamp");
    ListOffsetsResultInfo byTime = offset(admin, tp, OffsetSpec.forTimestamp(base + 2500));
    Check.equal(3L, byTime.offset(), "first offset with timestamp >= base+2500");
    Check.equal(base + 3000, byTime.timestamp(), "its timestamp");
    Check.equal(5L, offset(admin, tp, OffsetSpec.forTimestamp(base + 50_000)).offset(), "first offset with timestamp >= base+50000");
    Check.equal(-1L, offset(admin, tp, OffsetSpec.forTimestamp(base + 200_000)).offset(), "no offset after every timestamp");

    long lowWatermark = admin.deleteRecords(Map.of(tp, RecordsToDelete.beforeOffset(4))).lowWatermarks().get(tp).get().lowWatermark();
    Check.equal(4L, lowWatermark, "low watermark after deleteRecords(4)");
    Check.equal(4L, offset(admin, tp, OffsetSpec.earliest()).offset(), "earliest after deleteRecords");
    Check.equal(4L, offset(admin, tp, OffsetSpec.forTimestamp(base)).offset(), "by timestamp below the log start");
    Check.failsWith(OffsetOutOfRangeException.class, admin.deleteRecords(Map.of(tp, RecordsToDelete.beforeOffset(11))).all(), "deleteRecords past the high watermark");
    try (KafkaConsumer<String, String> c = ctx.consumer(Map.of())) {
      c.assign(List.of(tp));
      c.seekToBeginning(List.of(tp));
      List<ConsumerRecord<String, String>> got = new ArrayList<>();
      Check.eventually(Duration.ofSeconds(30), "records 4..9", () -> {
        c.poll(Duration.ofMillis(100)).forEach(got::add);
        return got.size() >= 6;
      }, () -> got.size() + " records");
      Check.equal(4L, got.get(0).offset(), "first offset a consumer reads after deleteRecords");
      Check.equal(6, got.size(), "records left");
    }
  }

  static ListOffsetsResultInfo offset(Admin admin, TopicPartition tp, OffsetSpec spec) throws Exception {
    return offset(admin, tp, spec, IsolationLevel.READ_UNCOMMITTED);
  }

  static ListOffsetsResultInfo offset(Admin admin, TopicPartition tp, OffsetSpec spec, IsolationLevel isolation) throws Exception {
    return admin.listOffsets(Map.of(tp, spec), new ListOffsetsOptions(isolation)).partitionResult(tp).get();
  }

  /**
   * fenceProducers (KIP-618): the admin bumps a transactional id's epoch, so the producer holding it is fenced in
   * the middle of a transaction, which the coordinator aborts.
   */
  static void checkFenceProducers(Context ctx, Admin admin, String topic) throws Exception {
    String id = ctx.name("fenced");
    try (KafkaProducer<String, String> p = ctx.producer(Map.of(ProducerConfig.TRANSACTIONAL_ID_CONFIG, id))) {
      p.initTransactions();
      p.beginTransaction();
      p.send(new ProducerRecord<>(topic, 0, "k", "fenced")).get();
      int before = admin.describeTransactions(List.of(id)).description(id).get().producerEpoch();
      var fenced = admin.fenceProducers(List.of(id));
      fenced.all().get();
      Check.that(fenced.epochId(id).get() > before, "fenceProducers bumps the epoch past " + before + ": " + fenced.epochId(id).get());
      Check.throwsA(ProducerFencedException.class, p::commitTransaction, "commit after fenceProducers");
    }
    // The open transaction was aborted on the way (Kafka then bumps the epoch again and leaves the id Empty).
    TransactionState state = admin.describeTransactions(List.of(id)).description(id).get().state();
    Check.that(state == TransactionState.EMPTY || state == TransactionState.COMPLETE_ABORT, "state after fencing: " + state);
    Check.equal(0L, offset(admin, new TopicPartition(topic, 0), OffsetSpec.latest()).offset()
        - offset(admin, new TopicPartition(topic, 0), OffsetSpec.latest(), IsolationLevel.READ_COMMITTED).offset(), "no open transaction holds back the LSO");
  }

  /**
   * describeProducers (an idempotent producer and an open transaction on one partition), listTransactions with and
   * without a state filter, describeTransactions while open and after commit, and the last stable offset that
   * listOffsets(read_committed) reports on both sides of the commit.
   */
  static void producersAndTransactions(Context ctx) throws Exception {
    Admin admin = ctx.admin();
    String topic = ctx.name("t");
    String txnId = ctx.name("txn");
    ctx.createTopic(topic, 1);
    TopicPartition tp = new TopicPartition(topic, 0);
    try (KafkaProducer<String, String> idem = ctx.producer(Map.of(ProducerConfig.ENABLE_IDEMPOTENCE_CONFIG, true));
        KafkaProducer<String, String> txn = ctx.producer(Map.of(ProducerConfig.TRANSACTIONAL_ID_CONFIG, txnId,
            ProducerConfig.TRANSACTION_TIMEOUT_CONFIG, 45_000))) {
      for (int i = 0; i < 5; i++) idem.send(new ProducerRecord<>(topic, 0, "k", "idem" + i)).get();
      txn.initTransactions();
      txn.beginTransaction();
      for (int i = 0; i < 3; i++) txn.send(new ProducerRecord<>(topic, 0, "k", "txn" + i));
      txn.flush();

      List<ProducerState> producers = admin.describeProducers(List.of(tp)).partitionResult(tp).get().activeProducers();
      Check.equal(2, producers.size(), "active producers on the partition: " + producers);
      ProducerState open = producers.stream().filter(s -> s.currentTransactionStartOffset().isPresent()).findFirst().orElse(null);
      ProducerState plain = producers.stream().filter(s -> s.currentTransactionStartOffset().isEmpty()).findFirst().orElse(null);
      Check.that(open != null && plain != null, "one producer with an open transaction, one without: " + producers);
      Check.equal(5L, open.currentTransactionStartOffset().getAsLong(), "first offset of the open transaction");
      Check.equal(2, open.lastSequence(), "last sequence of the transactional producer");
      Check.equal(4, plain.lastSequence(), "last sequence of the idempotent producer");

      Check.equal(5L, offset(admin, tp, OffsetSpec.latest(), IsolationLevel.READ_COMMITTED).offset(), "last stable offset while open");
      Check.equal(8L, offset(admin, tp, OffsetSpec.latest()).offset(), "high watermark while open");

      Collection<TransactionListing> all = admin.listTransactions().all().get();
      TransactionListing listing = all.stream().filter(t -> t.transactionalId().equals(txnId)).findFirst().orElse(null);
      Check.that(listing != null, "listTransactions has " + txnId + ": " + all);
      Check.equal(TransactionState.ONGOING, listing.state(), "listed state");
      Check.equal(open.producerId(), listing.producerId(), "listed producer id");
      Collection<TransactionListing> committed = admin.listTransactions(new ListTransactionsOptions().filterStates(List.of(TransactionState.COMPLETE_COMMIT))).all().get();
      Check.that(committed.stream().noneMatch(t -> t.transactionalId().equals(txnId)), "an ongoing transaction is not listed as committed");

      TransactionDescription d = admin.describeTransactions(List.of(txnId)).description(txnId).get();
      Check.equal(TransactionState.ONGOING, d.state(), "described state");
      Check.equal(open.producerId(), d.producerId(), "described producer id");
      Check.equal(45_000L, d.transactionTimeoutMs(), "transaction timeout");
      Check.equal(Set.of(tp), d.topicPartitions(), "partitions in the transaction");
      Check.that(d.transactionStartTimeMs().isPresent(), "start time of an ongoing transaction");

      txn.commitTransaction();
      TransactionDescription after = admin.describeTransactions(List.of(txnId)).description(txnId).get();
      Check.equal(TransactionState.COMPLETE_COMMIT, after.state(), "state after commit");
      Check.equal(Set.of(), after.topicPartitions(), "partitions after commit");
      Check.equal(9L, offset(admin, tp, OffsetSpec.latest(), IsolationLevel.READ_COMMITTED).offset(), "last stable offset after commit (marker included)");
      List<ProducerState> settled = admin.describeProducers(List.of(tp)).partitionResult(tp).get().activeProducers();
      Check.that(settled.stream().allMatch(s -> s.currentTransactionStartOffset().isEmpty()), "no open transaction after commit: " + settled);
    }
    checkFenceProducers(ctx, admin, topic);
  }

  /**
   * Admin.abortTransaction (KIP-664, what `kafka-transactions.sh abort` runs): a transaction left open on a partition
   * is ended by writing its ABORT marker there (WriteTxnMarkers). Afterwards the partition has no open transaction,
   * the last stable offset reaches the log end, and its records are aborted for read_committed readers.
   */
  static void abortHangingTransaction(Context ctx) throws Exception {
    Admin admin = ctx.admin();
    String topic = ctx.name("t");
    ctx.createTopic(topic, 1);
    TopicPartition tp = new TopicPartition(topic, 0);
    KafkaProducer<String, String> txn = ctx.producer(Map.of(ProducerConfig.TRANSACTIONAL_ID_CONFIG, ctx.name("txn"),
        ProducerConfig.TRANSACTION_TIMEOUT_CONFIG, 60_000));
    try {
      txn.initTransactions();
      txn.beginTransaction();
      for (int i = 0; i < 3; i++) txn.send(new ProducerRecord<>(topic, 0, "k", "hanging" + i));
      txn.flush();
      ProducerState open = admin.describeProducers(List.of(tp)).partitionResult(tp).get().activeProducers().get(0);
      Check.equal(0L, open.currentTransactionStartOffset().orElse(-1), "the open transaction starts at 0");
      Check.equal(0L, offset(admin, tp, OffsetSpec.latest(), IsolationLevel.READ_COMMITTED).offset(), "last stable offset while open");

      admin.abortTransaction(new AbortTransactionSpec(tp, open.producerId(), (short) open.producerEpoch(), open.coordinatorEpoch().orElse(0))).all().get();

      List<ProducerState> after = admin.describeProducers(List.of(tp)).partitionResult(tp).get().activeProducers();
      Check.that(after.stream().allMatch(s -> s.currentTransactionStartOffset().isEmpty()), "no open transaction after the abort: " + after);
      Check.equal(4L, offset(admin, tp, OffsetSpec.latest(), IsolationLevel.READ_COMMITTED).offset(), "last stable offset after the abort (marker included)");
      try (KafkaConsumer<String, String> reader = ctx.consumer(Map.of(ConsumerConfig.ISOLATION_LEVEL_CONFIG, "read_committed"))) {
        reader.assign(List.of(tp));
        reader.seekToBeginning(List.of(tp));
        List<String> seen = new ArrayList<>();
        Check.eventually(Duration.ofSeconds(30), "the reader's position past the aborted records", () -> {
          for (ConsumerRecord<String, String> r : reader.poll(Duration.ofMillis(200))) seen.add(r.value());
          return reader.position(tp) == 4L;
        }, () -> "position " + reader.position(tp) + ", read " + seen);
        Check.equal(List.of(), seen, "aborted records read by read_committed");
      }
    } finally {
      txn.close(Duration.ZERO);
    }
  }
}
