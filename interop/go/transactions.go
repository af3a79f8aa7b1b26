package main

import (
	"errors"
	"fmt"
	"time"

	"github.com/twmb/franz-go/pkg/kerr"
	"github.com/twmb/franz-go/pkg/kgo"
)

// Transactions (KIP-98; KIP-447 group metadata): commit, abort, read_committed, fencing, and franz-go's
// GroupTransactSession (consume-transform-produce with the offsets in the transaction).
func init() {
	register("franz.transactions", transactions)
	register("franz.group-transact-session", groupTransactSession)
}

var readCommitted = kgo.FetchIsolationLevel(kgo.ReadCommitted())

func transactions(r *Run) {
	topic := r.Name("t")
	r.createTopic(topic, 2, nil)
	p := r.client(kgo.TransactionalID(r.Name("txn")), kgo.RecordPartitioner(kgo.ManualPartitioner()))
	var committed, all []string
	for _, tag := range []string{"c1", "a2", "c3"} {
		ok(p.BeginTransaction(), "begin")
		var records []*kgo.Record
		for i := 0; i < 10; i++ {
			v := fmt.Sprintf("%s-%d", tag, i)
			records = append(records, &kgo.Record{Topic: topic, Partition: int32(i % 2), Value: []byte(v)})
			all = append(all, v)
			if tag[0] == 'c' {
				committed = append(committed, v)
			}
		}
		ok(p.ProduceSync(r.Ctx, records...).FirstErr(), "produce in transaction")
		commit := kgo.TransactionEndTry(tag[0] == 'c')
		ok(p.EndTransaction(r.Ctx, commit), "end transaction")
	}

	// Fencing: a second producer with the same transactional id bumps the epoch; the first can no longer commit.
	ok(p.BeginTransaction(), "begin")
	ok(p.ProduceSync(r.Ctx, &kgo.Record{Topic: topic, Partition: 0, Value: []byte("zombie")}).FirstErr(), "zombie produce")
	newer := r.client(kgo.TransactionalID(r.Name("txn")), kgo.RecordPartitioner(kgo.ManualPartitioner()))
	ok(newer.BeginTransaction(), "begin (newer)")
	ok(newer.ProduceSync(r.Ctx, &kgo.Record{Topic: topic, Partition: 1, Value: []byte("alive")}).FirstErr(), "produce (newer)")
	err := p.EndTransaction(r.Ctx, kgo.TryCommit)
	that(errors.Is(err, kerr.ProducerFenced) || errors.Is(err, kerr.InvalidProducerEpoch), "the fenced producer's commit: %v", err)
	ok(newer.EndTransaction(r.Ctx, kgo.TryCommit), "commit (newer)")
	p.Close()
	newer.Close()
	committed = append(committed, "alive")
	all = append(all, "zombie", "alive")

	r.writeSentinels(topic, 2)
	got := values(withoutSentinels(r.readToEnd(topic, readCommitted)))
	equal(sorted(committed), sorted(got), "read_committed sees committed transactions only")
	r.Log("read_committed: %d records of %d", len(got), len(all))
	got = values(withoutSentinels(r.readToEnd(topic)))
	equal(sorted(all), sorted(got), "read_uncommitted sees aborted records too")
}

// groupTransactSession: each poll's records are transformed and produced in one transaction with the group's
// offsets; the first transaction is aborted (the session rewinds the group to its last commit), the rest commit.
func groupTransactSession(r *Run) {
	source, sink, group := r.Name("in"), r.Name("out"), r.Name("g")
	r.createTopic(source, 2, nil)
	r.createTopic(sink, 2, nil)
	var expected []string
	{
		cl := r.client(kgo.RecordPartitioner(kgo.ManualPartitioner()))
		var records []*kgo.Record
		for i := 0; i < 30; i++ {
			records = append(records, &kgo.Record{Topic: source, Partition: int32(i % 2), Value: []byte(fmt.Sprintf("v%d", i))})
			expected = append(expected, fmt.Sprintf("V%d", i))
		}
		ok(cl.ProduceSync(r.Ctx, records...).FirstErr(), "produce input")
		cl.Close()
	}
	s, err := kgo.NewGroupTransactSession(kgo.SeedBrokers(r.Bootstrap), kgo.TransactionalID(r.Name("gts")),
		kgo.ConsumerGroup(group), kgo.ConsumeTopics(source), kgo.ConsumeResetOffset(kgo.NewOffset().AtStart()),
		readCommitted, kgo.SessionTimeout(10*time.Second), kgo.DefaultProduceTopic(sink))
	ok(err, "new group transact session")
	aborted := 0
	consumed := 0
	eventually(60*time.Second, "every input record transformed in a committed transaction", func() bool {
		fetches := s.PollRecords(r.Ctx, 7)
		ok(fetches.Err(), "poll")
		if fetches.NumRecords() == 0 {
			return consumed >= 30
		}
		ok(s.Begin(), "begin")
		var records []*kgo.Record
		fetches.EachRecord(func(rec *kgo.Record) {
			records = append(records, &kgo.Record{Value: []byte("V" + string(rec.Value[1:]))})
		})
		commit := kgo.TryCommit
		if aborted == 0 {
			commit = kgo.TryAbort
			aborted++
		}
		produced := s.ProduceSync(r.Ctx, records...)
		committed, err := s.End(r.Ctx, commit)
		ok(err, "end")
		if committed {
			ok(produced.FirstErr(), "produce in a committed transaction")
			consumed += fetches.NumRecords()
		}
		return consumed >= 30
	}, func() string { return fmt.Sprintf("%d consumed", consumed) })
	s.Close()
	equal(30, consumed, "records consumed in committed transactions")

	r.writeSentinels(sink, 2)
	got := values(withoutSentinels(r.readToEnd(sink, readCommitted)))
	equal(sorted(expected), sorted(got), "output: each input exactly once")
	adm := r.admin()
	defer adm.Close()
	offsets, err := adm.FetchOffsets(r.Ctx, group)
	ok(err, "fetch offsets")
	for p := int32(0); p < 2; p++ {
		o, found := offsets.Lookup(source, p)
		that(found && o.At == 15, "committed offset of input partition %d: %v", p, o.At)
	}
}
