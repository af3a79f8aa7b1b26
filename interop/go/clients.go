package main

import (
	"fmt"
	"sort"
	"time"

	"github.com/twmb/franz-go/pkg/kadm"
	"github.com/twmb/franz-go/pkg/kgo"
)

// client builds a kgo client for the run's broker with extra options.
func (r *Run) client(opts ...kgo.Opt) *kgo.Client {
	cl, err := kgo.NewClient(append([]kgo.Opt{kgo.SeedBrokers(r.Bootstrap)}, opts...)...)
	ok(err, "new client")
	return cl
}

// admin builds a kadm client on its own kgo client (closed with the admin client). kadm answers from the kgo
// client's metadata cache for up to MetadataMinAge (5 s by default), which would hide a topic created a moment
// ago from ListTopics; scenarios check each step right after the previous one, so the cache is kept short.
func (r *Run) admin() *kadm.Client {
	return kadm.NewClient(r.client(kgo.MetadataMinAge(10 * time.Millisecond)))
}

func (r *Run) createTopic(topic string, partitions int32, configs map[string]*string) {
	adm := r.admin()
	defer adm.Close()
	resp, err := adm.CreateTopic(r.Ctx, partitions, 1, configs, topic)
	ok(err, "create topic "+topic)
	ok(resp.Err, "create topic "+topic)
}

// readToEnd consumes every partition of a topic from the start until each reaches the end offset listed now, and
// returns the records. The end is reached when a record at end-1 arrives, so a topic whose last offset is a
// transaction marker gets a plain sentinel record first (writeSentinels): a read_committed reader reaches it only
// after every transaction before it is decided.
func (r *Run) readToEnd(topic string, opts ...kgo.Opt) []*kgo.Record {
	adm := r.admin()
	defer adm.Close()
	ends, err := adm.ListEndOffsets(r.Ctx, topic)
	ok(err, "list end offsets")
	end := map[int32]int64{}
	ends.Each(func(o kadm.ListedOffset) { end[o.Partition] = o.Offset })
	cl := r.client(append([]kgo.Opt{kgo.ConsumeTopics(topic), kgo.ConsumeResetOffset(kgo.NewOffset().AtStart())}, opts...)...)
	defer cl.Close()
	var got []*kgo.Record
	reached := map[int32]int64{}
	done := func() bool {
		for p, e := range end {
			if reached[p] < e {
				return false
			}
		}
		return true
	}
	eventually(60*time.Second, "reading "+topic+" to its end", func() bool {
		if done() {
			return true
		}
		fetches := cl.PollFetches(r.Ctx)
		ok(fetches.Err(), "poll")
		fetches.EachRecord(func(rec *kgo.Record) {
			got = append(got, rec)
			reached[rec.Partition] = rec.Offset + 1
		})
		return done()
	}, func() string { return fmt.Sprintf("ends %v, reached %v", end, reached) })
	return got
}

// writeSentinels appends one plain record "sentinel" to each partition (see readToEnd).
func (r *Run) writeSentinels(topic string, partitions int32) {
	cl := r.client(kgo.RecordPartitioner(kgo.ManualPartitioner()))
	defer cl.Close()
	for p := int32(0); p < partitions; p++ {
		ok(cl.ProduceSync(r.Ctx, &kgo.Record{Topic: topic, Partition: p, Value: []byte("sentinel")}).FirstErr(), "sentinel")
	}
}

// withoutSentinels drops the sentinel records from what readToEnd returned.
func withoutSentinels(records []*kgo.Record) []*kgo.Record {
	var out []*kgo.Record
	for _, r := range records {
		if string(r.Value) != "sentinel" {
			out = append(out, r)
		}
	}
	return out
}

func values(records []*kgo.Record) []string {
	out := make([]string, len(records))
	for i, r := range records {
		out[i] = string(r.Value)
	}
	return out
}

func sorted(in []string) []string {
	out := append([]string(nil), in...)
	sort.Strings(out)
	return out
}
