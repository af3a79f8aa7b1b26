package main

import (
	"fmt"
	"strings"
	"time"

	"github.com/twmb/franz-go/pkg/kadm"
	"github.com/twmb/franz-go/pkg/kgo"
)

func init() {
	register("franz.produce-consume", produceConsume)
}

var codecs = []struct {
	name  string
	codec kgo.CompressionCodec
}{
	{"none", kgo.NoCompression()}, {"gzip", kgo.GzipCompression()}, {"snappy", kgo.SnappyCompression()},
	{"lz4", kgo.Lz4Compression()}, {"zstd", kgo.ZstdCompression()},
}

type sent struct {
	key, value string
	ts         int64
}

// produceBatch produces count records through a client built with opts; keys cycle per tag, every 40th value is
// 200 KiB of compressible text; returns what was sent and checks acknowledged offsets rise per partition.
func (r *Run) produceBatch(topic, tag string, count int, acked bool, opts ...kgo.Opt) []sent {
	cl := r.client(append([]kgo.Opt{kgo.ProducerLinger(5 * time.Millisecond)}, opts...)...)
	defer cl.Close()
	base := time.Now().Add(-time.Minute).UnixMilli()
	var out []sent
	var records []*kgo.Record
	for i := 0; i < count; i++ {
		v := fmt.Sprintf("%s-%d", tag, i)
		if i%40 == 0 {
			v += "-" + strings.Repeat("brook", 40_000)
		}
		k := fmt.Sprintf("%s:k%d", tag, i%7)
		ts := base + int64(i)
		records = append(records, &kgo.Record{Topic: topic, Key: []byte(k), Value: []byte(v), Timestamp: time.UnixMilli(ts),
			Headers: []kgo.RecordHeader{{Key: "seq", Value: []byte(fmt.Sprint(i))}}})
		out = append(out, sent{k, v, ts})
	}
	results := cl.ProduceSync(r.Ctx, records...)
	ok(results.FirstErr(), tag+": produce")
	if acked {
		last := map[int32]int64{}
		for _, res := range results {
			prev, seen := last[res.Record.Partition]
			that(!seen || res.Record.Offset > prev, "%s: partition %d offset %d after %d", tag, res.Record.Partition, res.Record.Offset, prev)
			last[res.Record.Partition] = res.Record.Offset
		}
	}
	return out
}

// produceConsume: an idempotent producer (kgo's default) per codec with acks=all, then non-idempotent producers
// with acks 0, 1 and all; everything read back exactly once with keys, timestamps and headers, in order per key.
func produceConsume(r *Run) {
	topic := r.Name("t")
	r.createTopic(topic, 3, nil)
	var all []sent
	for _, c := range codecs {
		all = append(all, r.produceBatch(topic, c.name, 200, true, kgo.ProducerBatchCompression(c.codec), kgo.ProducerBatchMaxBytes(16_384_000))...)
		r.Log("%s: 200 records acknowledged", c.name)
	}
	for _, acks := range []struct {
		name string
		acks kgo.Acks
	}{{"0", kgo.NoAck()}, {"1", kgo.LeaderAck()}, {"all", kgo.AllISRAcks()}} {
		all = append(all, r.produceBatch(topic, "acks"+acks.name, 100, acks.name != "0", kgo.DisableIdempotentWrite(), kgo.RequiredAcks(acks.acks))...)
	}
	// acks=0 has no acknowledgement: wait until the log ends account for every record.
	adm := r.admin()
	defer adm.Close()
	eventually(30*time.Second, "every record in the log", func() bool {
		ends, err := adm.ListEndOffsets(r.Ctx, topic)
		ok(err, "list end offsets")
		total := int64(0)
		ends.Each(func(o kadm.ListedOffset) { total += o.Offset })
		return total >= int64(len(all))
	}, func() string { return "" })

	// Fetch limits far below the batch sizes: the broker still returns each partition's first batch whole (KIP-74).
	got := r.readToEnd(topic, kgo.FetchMaxBytes(4096), kgo.FetchMaxPartitionBytes(1024))
	equal(len(all), len(got), "records read back")
	byValue := map[string]sent{}
	for _, s := range all {
		byValue[s.value] = s
	}
	seen := map[string]bool{}
	perKey := map[string][]string{}
	for _, rec := range got {
		v := string(rec.Value)
		want, known := byValue[v]
		that(known && !seen[v], "unexpected or repeated record %.40s", v)
		seen[v] = true
		equal(want.key, string(rec.Key), "key of "+v[:min(len(v), 40)])
		equal(want.ts, rec.Timestamp.UnixMilli(), "timestamp of "+v[:min(len(v), 40)])
		that(len(rec.Headers) == 1 && rec.Headers[0].Key == "seq" && strings.SplitN(v, "-", 3)[1] == string(rec.Headers[0].Value), "header of %.40s", v)
		perKey[want.key] = append(perKey[want.key], v[:min(len(v), 30)])
	}
	expected := map[string][]string{}
	for _, s := range all {
		expected[s.key] = append(expected[s.key], s.value[:min(len(s.value), 30)])
	}
	equal(expected, perKey, "values per key in send order")
	r.Log("read back %d records exactly once, in order per key", len(got))
}
