package main

import (
	"errors"
	"time"

	"github.com/twmb/franz-go/pkg/kadm"
	"github.com/twmb/franz-go/pkg/kerr"
	"github.com/twmb/franz-go/pkg/kgo"
	"github.com/twmb/franz-go/pkg/kmsg"
)

// kadm: topics, partitions, configs (incremental and the legacy whole-set AlterConfigs), group offsets and
// deletion, records, list offsets, producers and transactions.
func init() {
	register("franz.admin-topics-configs", adminTopicsConfigs)
	register("franz.admin-groups-records", adminGroupsRecords)
	register("franz.admin-producers-transactions", adminProducersTransactions)
}

func topicConfig(r *Run, adm *kadm.Client, topic, key string) kadm.Config {
	rcs, err := adm.DescribeTopicConfigs(r.Ctx, topic)
	ok(err, "describe topic configs")
	rc, err := rcs.On(topic, nil)
	ok(err, "describe topic configs of "+topic)
	ok(rc.Err, "describe topic configs of "+topic)
	for _, c := range rc.Configs {
		if c.Key == key {
			return c
		}
	}
	failf("%s has no config %s", topic, key)
	return kadm.Config{}
}

func configValue(r *Run, adm *kadm.Client, topic, key string) string {
	c := topicConfig(r, adm, topic, key)
	return c.MaybeValue()
}

func adminTopicsConfigs(r *Run) {
	adm := r.admin()
	defer adm.Close()
	// BrokerMetadata asks for no topics. ListBrokers asks for all of them, and kadm answers later all-topic
	// requests (ListTopics below) from that response for MetadataMinAge (5 s), without the topic created since.
	meta, err := adm.BrokerMetadata(r.Ctx)
	ok(err, "list brokers")
	equal(1, len(meta.Brokers), "brokers")

	topic := r.Name("t")
	resp, err := adm.CreateTopic(r.Ctx, 3, 1, map[string]*string{"retention.ms": kadm.StringPtr("3600000")}, topic)
	ok(err, "create topic")
	ok(resp.Err, "create topic")
	dry, err := adm.ValidateCreateTopics(r.Ctx, 1, 1, nil, r.Name("dry"))
	ok(err, "validate create topics")
	ok(dry.Error(), "validate-only create")
	_, err = adm.CreateTopic(r.Ctx, 1, 1, nil, topic)
	that(errors.Is(err, kerr.TopicAlreadyExists), "creating an existing topic: %v", err)
	details, err := adm.ListTopics(r.Ctx)
	ok(err, "list topics")
	that(details.Has(topic), "list topics has %s: %v", topic, details.Names())
	that(!details.Has(r.Name("dry")), "validate-only created nothing: %v", details[r.Name("dry")])
	equal(3, len(details[topic].Partitions), "partitions")

	_, err = adm.CreatePartitions(r.Ctx, 2, topic)
	ok(err, "create partitions")
	details, err = adm.ListTopics(r.Ctx, topic)
	ok(err, "list topics")
	equal(5, len(details[topic].Partitions), "partitions after CreatePartitions(+2)")
	shrink, err := adm.UpdatePartitions(r.Ctx, 2, topic)
	ok(err, "update partitions")
	that(errors.Is(shrink.Error(), kerr.InvalidPartitions), "shrinking a topic: %v", shrink.Error())

	c := topicConfig(r, adm, topic, "retention.ms")
	equal("3600000", c.MaybeValue(), "retention.ms as created")
	equal(kmsg.ConfigSourceDynamicTopicConfig, c.Source, "source of a topic override")

	alter := func(configs ...kadm.AlterConfig) {
		res, err := adm.AlterTopicConfigs(r.Ctx, configs, topic)
		ok(err, "incremental alter configs")
		for _, x := range res {
			ok(x.Err, "incremental alter configs of "+x.Name)
		}
	}
	alter(kadm.AlterConfig{Op: kadm.SetConfig, Name: "retention.ms", Value: kadm.StringPtr("7200000")},
		kadm.AlterConfig{Op: kadm.AppendConfig, Name: "cleanup.policy", Value: kadm.StringPtr("compact")})
	equal("7200000", configValue(r, adm, topic, "retention.ms"), "retention.ms after SET")
	equal("delete,compact", configValue(r, adm, topic, "cleanup.policy"), "cleanup.policy after APPEND")
	alter(kadm.AlterConfig{Op: kadm.DeleteConfig, Name: "retention.ms"},
		kadm.AlterConfig{Op: kadm.SubtractConfig, Name: "cleanup.policy", Value: kadm.StringPtr("delete")})
	equal("compact", configValue(r, adm, topic, "cleanup.policy"), "cleanup.policy after SUBTRACT")
	equal(kmsg.ConfigSourceDefaultConfig, topicConfig(r, adm, topic, "retention.ms").Source, "retention.ms source after DELETE")

	// The legacy AlterConfigs replaces the whole set of overrides.
	res, err := adm.AlterTopicConfigsState(r.Ctx, []kadm.AlterConfig{{Name: "segment.ms", Value: kadm.StringPtr("86400000")}}, topic)
	ok(err, "alter configs (legacy)")
	for _, x := range res {
		ok(x.Err, "alter configs (legacy)")
	}
	equal("86400000", configValue(r, adm, topic, "segment.ms"), "segment.ms after the legacy AlterConfigs")
	equal(kmsg.ConfigSourceDefaultConfig, topicConfig(r, adm, topic, "cleanup.policy").Source, "cleanup.policy reset by the legacy AlterConfigs")

	// Broker configs: the node's own, then a cluster-wide dynamic default (the resource named ""), which topics
	// without an override inherit, and its removal.
	bcs, err := adm.DescribeBrokerConfigs(r.Ctx, meta.Brokers[0].NodeID)
	ok(err, "describe broker configs")
	that(len(bcs) == 1 && len(bcs[0].Configs) > 10, "the node's configs described: %v", bcs)
	setDefault := func(op kadm.IncrementalOp, value *string) {
		res, err := adm.AlterBrokerConfigs(r.Ctx, []kadm.AlterConfig{{Op: op, Name: "log.cleaner.delete.retention.ms", Value: value}})
		ok(err, "alter cluster-wide broker config")
		ok(res[0].Err, "alter cluster-wide broker config")
	}
	setDefault(kadm.SetConfig, kadm.StringPtr("3600000"))
	defaults, err := adm.DescribeBrokerConfigs(r.Ctx)
	ok(err, "describe cluster-wide broker configs")
	that(len(defaults) == 1 && len(defaults[0].Configs) == 1 && defaults[0].Configs[0].Key == "log.cleaner.delete.retention.ms" &&
		defaults[0].Configs[0].Source == kmsg.ConfigSourceDynamicDefaultBrokerConfig, "cluster-wide dynamic defaults: %v", defaults)
	equal("3600000", configValue(r, adm, topic, "delete.retention.ms"), "a topic inherits the cluster-wide default")
	setDefault(kadm.DeleteConfig, nil)
	equal("86400000", configValue(r, adm, topic, "delete.retention.ms"), "the default after its removal")

	deleted, err := adm.DeleteTopic(r.Ctx, topic)
	ok(err, "delete topic")
	ok(deleted.Err, "delete topic")
	details, err = adm.ListTopics(r.Ctx)
	ok(err, "list topics")
	that(!details.Has(topic), "list topics after delete")
}

func adminGroupsRecords(r *Run) {
	adm := r.admin()
	defer adm.Close()
	topic, group := r.Name("t"), r.Name("g")
	r.createTopic(topic, 2, nil)
	base := time.Now().Add(-10 * time.Minute).UnixMilli()
	{
		cl := r.client(kgo.RecordPartitioner(kgo.ManualPartitioner()))
		var records []*kgo.Record
		for i := 0; i < 20; i++ {
			ts := base + int64(i/2)*1000
			if i == 10 {
				ts = base + 100_000
			}
			records = append(records, &kgo.Record{Topic: topic, Partition: int32(i % 2), Value: []byte("v"), Timestamp: time.UnixMilli(ts)})
		}
		ok(cl.ProduceSync(r.Ctx, records...).FirstErr(), "produce")
		cl.Close()
	}
	m := r.startMember("m", group, topic)
	eventually(30*time.Second, "20 records consumed", func() bool {
		checkMembers([]*member{m})
		v, _, _ := m.snapshot()
		return len(v) >= 20
	}, m.String)
	_, err := adm.DeleteGroup(r.Ctx, group)
	that(errors.Is(err, kerr.NonEmptyGroup), "deleting an active group: %v", err)
	_, err = adm.DeleteOffsets(r.Ctx, group, kadm.TopicsSet{topic: {0: {}}})
	that(err == nil || errors.Is(err, kerr.GroupSubscribedToTopic), "delete offsets while subscribed: %v", err)
	m.stop()

	listed, err := adm.ListGroups(r.Ctx)
	ok(err, "list groups")
	lg, found := listed[group]
	that(found, "list groups has %s", group)
	equal("Empty", lg.State, "listed state")
	described, err := adm.DescribeGroups(r.Ctx, group)
	ok(err, "describe groups")
	equal("Empty", described[group].State, "described state")

	offsets, err := adm.FetchOffsets(r.Ctx, group)
	ok(err, "fetch offsets")
	o0, _ := offsets.Lookup(topic, 0)
	o1, _ := offsets.Lookup(topic, 1)
	equal([]int64{10, 10}, []int64{o0.At, o1.At}, "committed offsets")
	var alter kadm.Offsets
	alter.AddOffset(topic, 0, 3, -1)
	committed, err := adm.CommitOffsets(r.Ctx, group, alter)
	ok(err, "commit offsets")
	ok(committed.Error(), "commit offsets")
	dropped, err := adm.DeleteOffsets(r.Ctx, group, kadm.TopicsSet{topic: {1: {}}})
	ok(err, "delete offsets")
	ok(dropped.Error(), "delete offsets")
	offsets, err = adm.FetchOffsets(r.Ctx, group)
	ok(err, "fetch offsets")
	o0, _ = offsets.Lookup(topic, 0)
	_, has1 := offsets.Lookup(topic, 1)
	that(o0.At == 3 && !has1, "offsets after commit and delete: %v", offsets)

	at := func(list kadm.ListedOffsets, err error) kadm.ListedOffset {
		ok(err, "list offsets")
		o, found := list.Lookup(topic, 0)
		that(found, "listed offset for partition 0")
		ok(o.Err, "listed offset")
		return o
	}
	equal(int64(0), at(adm.ListStartOffsets(r.Ctx, topic)).Offset, "earliest")
	equal(int64(10), at(adm.ListEndOffsets(r.Ctx, topic)).Offset, "latest")
	mx := at(adm.ListMaxTimestampOffsets(r.Ctx, topic))
	equal([]int64{5, base + 100_000}, []int64{mx.Offset, mx.Timestamp}, "max timestamp offset")
	equal(int64(3), at(adm.ListOffsetsAfterMilli(r.Ctx, base+2500, topic)).Offset, "offset after a timestamp")

	var del kadm.Offsets
	del.AddOffset(topic, 0, 4, -1)
	dr, err := adm.DeleteRecords(r.Ctx, del)
	ok(err, "delete records")
	d, _ := dr.Lookup(topic, 0)
	ok(d.Err, "delete records")
	equal(int64(4), d.LowWatermark, "low watermark after DeleteRecords")
	equal(int64(4), at(adm.ListStartOffsets(r.Ctx, topic)).Offset, "earliest after DeleteRecords")

	deleted, err := adm.DeleteGroup(r.Ctx, group)
	ok(err, "delete group")
	ok(deleted.Err, "delete group")
	listed, err = adm.ListGroups(r.Ctx)
	ok(err, "list groups")
	_, found = listed[group]
	that(!found, "group listed after delete")
}

func adminProducersTransactions(r *Run) {
	adm := r.admin()
	defer adm.Close()
	topic, txnID := r.Name("t"), r.Name("txn")
	r.createTopic(topic, 1, nil)
	idem := r.client()
	defer idem.Close()
	for i := 0; i < 5; i++ {
		ok(idem.ProduceSync(r.Ctx, &kgo.Record{Topic: topic, Value: []byte("idem")}).FirstErr(), "idempotent produce")
	}
	txn := r.client(kgo.TransactionalID(txnID), kgo.TransactionTimeout(45*time.Second))
	defer txn.Close()
	ok(txn.BeginTransaction(), "begin")
	for i := 0; i < 3; i++ {
		ok(txn.ProduceSync(r.Ctx, &kgo.Record{Topic: topic, Value: []byte("txn")}).FirstErr(), "transactional produce")
	}

	producers, err := adm.DescribeProducers(r.Ctx, kadm.TopicsSet{topic: {0: {}}})
	ok(err, "describe producers")
	var open, plain *kadm.DescribedProducer
	producers.EachProducer(func(p kadm.DescribedProducer) {
		p2 := p
		if p.CurrentTxnStartOffset >= 0 {
			open = &p2
		} else {
			plain = &p2
		}
	})
	that(open != nil && plain != nil, "one producer with an open transaction and one without: %v", producers.SortedProducers())
	equal(int64(5), open.CurrentTxnStartOffset, "first offset of the open transaction")
	equal(int32(4), plain.LastSequence, "last sequence of the idempotent producer")

	listed, err := adm.ListTransactions(r.Ctx, nil, nil)
	ok(err, "list transactions")
	lt, found := listed[txnID]
	that(found, "list transactions has %s", txnID)
	equal("Ongoing", lt.State, "listed state")
	described, err := adm.DescribeTransactions(r.Ctx, txnID)
	ok(err, "describe transactions")
	dt := described[txnID]
	ok(dt.Err, "describe transaction")
	equal("Ongoing", dt.State, "described state")
	equal(int32(45000), dt.TimeoutMillis, "transaction timeout")
	equal(open.ProducerID, dt.ProducerID, "producer id")
	_, inTxn := dt.Topics[topic][0]
	that(inTxn, "the partition is in the transaction: %v", dt.Topics)

	ok(txn.EndTransaction(r.Ctx, kgo.TryCommit), "commit")
	described, err = adm.DescribeTransactions(r.Ctx, txnID)
	ok(err, "describe transactions")
	equal("CompleteCommit", described[txnID].State, "state after commit")
}
