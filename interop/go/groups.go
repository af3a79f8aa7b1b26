package main

import (
	"context"
	"fmt"
	"sort"
	"strings"
	"sync"
	"time"

	"github.com/twmb/franz-go/pkg/kadm"
	"github.com/twmb/franz-go/pkg/kgo"
)

// Consumer groups on the classic protocol: eager range, cooperative sticky (KIP-429) and static membership
// (KIP-345). KIP-848 groups (kgo.ServerSideBalancer) register here once Brook serves ConsumerGroupHeartbeat.
func init() {
	register("franz.groups-range", func(r *Run) { joinAndLeave(r, "range", kgo.RangeBalancer()) })
	register("franz.groups-cooperative-sticky", func(r *Run) { joinAndLeave(r, "cooperative-sticky", kgo.CooperativeStickyBalancer()) })
	register("franz.groups-static-membership", staticMembership)
}

const groupPartitions = 4

// member is one group consumer polled on its own goroutine: rebalances are blocked while a poll's records are
// processed and committed (BlockRebalanceOnPoll), so a rebalance never re-delivers.
type member struct {
	name   string
	cl     *kgo.Client
	mu     sync.Mutex
	owned  map[int32]bool
	events []string
	values []string
	err    error
	done   chan struct{}
	cancel context.CancelFunc
}

func (r *Run) startMember(name, group, topic string, opts ...kgo.Opt) *member {
	m := &member{name: name, owned: map[int32]bool{}, done: make(chan struct{})}
	all := append([]kgo.Opt{
		kgo.ConsumerGroup(group), kgo.ConsumeTopics(topic), kgo.ClientID(name),
		kgo.ConsumeResetOffset(kgo.NewOffset().AtStart()), kgo.DisableAutoCommit(), kgo.BlockRebalanceOnPoll(),
		kgo.SessionTimeout(10 * time.Second), kgo.HeartbeatInterval(500 * time.Millisecond),
		kgo.OnPartitionsAssigned(func(_ context.Context, _ *kgo.Client, ps map[string][]int32) { m.event("assigned", ps[topic], true) }),
		kgo.OnPartitionsRevoked(func(_ context.Context, _ *kgo.Client, ps map[string][]int32) { m.event("revoked", ps[topic], false) }),
		kgo.OnPartitionsLost(func(_ context.Context, _ *kgo.Client, ps map[string][]int32) { m.event("lost", ps[topic], false) }),
	}, opts...)
	m.cl = r.client(all...)
	ctx, cancel := context.WithCancel(r.Ctx)
	m.cancel = cancel
	go m.loop(ctx)
	return m
}

func (m *member) event(kind string, ps []int32, own bool) {
	m.mu.Lock()
	defer m.mu.Unlock()
	sorted := append([]int32(nil), ps...)
	sort.Slice(sorted, func(i, j int) bool { return sorted[i] < sorted[j] })
	if len(sorted) > 0 {
		m.events = append(m.events, fmt.Sprintf("%s%v", kind, sorted))
	}
	for _, p := range ps {
		if own {
			m.owned[p] = true
		} else {
			delete(m.owned, p)
		}
	}
}

func (m *member) loop(ctx context.Context) {
	defer close(m.done)
	for ctx.Err() == nil {
		fetches := m.cl.PollRecords(ctx, 100)
		if ctx.Err() != nil {
			m.cl.AllowRebalance()
			return
		}
		if err := fetches.Err(); err != nil {
			m.fail(err)
			return
		}
		var records []*kgo.Record
		fetches.EachRecord(func(r *kgo.Record) { records = append(records, r) })
		if len(records) > 0 {
			if err := m.cl.CommitRecords(ctx, records...); err != nil {
				m.fail(err)
				return
			}
			m.mu.Lock()
			for _, r := range records {
				m.values = append(m.values, string(r.Value))
			}
			m.mu.Unlock()
		}
		m.cl.AllowRebalance()
	}
}

func (m *member) fail(err error) {
	m.mu.Lock()
	m.err = err
	m.mu.Unlock()
	m.cl.AllowRebalance()
}

func (m *member) assignment() []int32 {
	m.mu.Lock()
	defer m.mu.Unlock()
	var out []int32
	for p := range m.owned {
		out = append(out, p)
	}
	sort.Slice(out, func(i, j int) bool { return out[i] < out[j] })
	return out
}

func (m *member) snapshot() (values []string, events []string, err error) {
	m.mu.Lock()
	defer m.mu.Unlock()
	return append([]string(nil), m.values...), append([]string(nil), m.events...), m.err
}

func (m *member) String() string {
	v, e, err := m.snapshot()
	return fmt.Sprintf("%s%v consumed=%d events=%v err=%v", m.name, m.assignment(), len(v), e, err)
}

// stop ends polling and closes the client (a dynamic member leaves the group; a static one does not).
func (m *member) stop() {
	m.cancel()
	<-m.done
	m.cl.Close()
	_, _, err := m.snapshot()
	that(err == nil || err == context.Canceled, "%s failed: %v", m.name, err)
}

func checkMembers(ms []*member) {
	for _, m := range ms {
		_, _, err := m.snapshot()
		that(err == nil, "%s failed: %v", m.name, err)
	}
}

func splitAll(ms ...*member) bool {
	var all []int32
	for _, m := range ms {
		a := m.assignment()
		if len(a) == 0 {
			return false
		}
		all = append(all, a...)
	}
	sort.Slice(all, func(i, j int) bool { return all[i] < all[j] })
	return fmt.Sprint(all) == fmt.Sprint([]int32{0, 1, 2, 3})
}

func waitFor(ms []*member, what string, cond func() bool) {
	eventually(45*time.Second, what, func() bool {
		checkMembers(ms)
		time.Sleep(20 * time.Millisecond)
		return cond()
	}, func() string { return fmt.Sprint(ms) })
}

func (r *Run) produceValues(topic, tag string, count int) []string {
	cl := r.client(kgo.RecordPartitioner(kgo.ManualPartitioner()))
	defer cl.Close()
	var out []string
	var records []*kgo.Record
	for i := 0; i < count; i++ {
		v := fmt.Sprintf("%s-%d", tag, i)
		records = append(records, &kgo.Record{Topic: topic, Partition: int32(i % groupPartitions), Value: []byte(v)})
		out = append(out, v)
	}
	ok(cl.ProduceSync(r.Ctx, records...).FirstErr(), "produce")
	return out
}

func consumedExactly(ms []*member, earlier, produced []string) {
	count := func() int {
		n := len(earlier)
		for _, m := range ms {
			v, _, _ := m.snapshot()
			n += len(v)
		}
		return n
	}
	waitFor(ms, fmt.Sprintf("all %d records consumed", len(produced)), func() bool { return count() >= len(produced) })
	got := append([]string(nil), earlier...)
	for _, m := range ms {
		v, _, _ := m.snapshot()
		got = append(got, v...)
	}
	equal(sorted(produced), sorted(got), "each record consumed exactly once")
}

func (r *Run) checkCommittedAtEnd(group, topic string) {
	adm := r.admin()
	defer adm.Close()
	committed, err := adm.FetchOffsets(r.Ctx, group)
	ok(err, "fetch offsets")
	ends, err := adm.ListEndOffsets(r.Ctx, topic)
	ok(err, "list end offsets")
	ends.Each(func(o kadm.ListedOffset) {
		c, found := committed.Lookup(topic, o.Partition)
		that(found && c.At == o.Offset, "committed offset of partition %d: %v, end %d", o.Partition, c.At, o.Offset)
	})
}

func joinAndLeave(r *Run, protocol string, balancer kgo.GroupBalancer) {
	topic, group := r.Name("t"), r.Name("g")
	r.createTopic(topic, groupPartitions, nil)
	produced := r.produceValues(topic, "a", 40)
	var earlier []string
	a := r.startMember("a", group, topic, kgo.Balancers(balancer))
	defer a.stop()
	waitFor([]*member{a}, "a to own every partition", func() bool { return splitAll(a) })
	consumedExactly([]*member{a}, earlier, produced)
	_, before, _ := a.snapshot()
	b := r.startMember("b", group, topic, kgo.Balancers(balancer))
	waitFor([]*member{a, b}, "a and b to split the partitions", func() bool { return splitAll(a, b) })
	_, after, _ := a.snapshot()
	if protocol == "range" {
		equal("revoked[0 1 2 3]", after[len(before)], "eager: a revokes everything first")
		that(fmt.Sprint(a.assignment()) == "[0 1]" || fmt.Sprint(a.assignment()) == "[2 3]", "range assignment of a: %v", a.assignment())
	} else {
		var revocations []string
		for _, e := range after[len(before):] {
			if strings.HasPrefix(e, "revoked") {
				revocations = append(revocations, e)
			}
		}
		equal([]string{fmt.Sprintf("revoked%v", b.assignment())}, revocations, "cooperative: a revokes exactly what b takes")
	}
	adm := r.admin()
	described, err := adm.DescribeGroups(r.Ctx, group)
	adm.Close()
	ok(err, "describe groups")
	g := described[group]
	equal("Stable", g.State, "group state")
	equal(protocol, g.Protocol, "protocol chosen by the coordinator")
	equal(2, len(g.Members), "members described")
	produced = append(produced, r.produceValues(topic, "b", 40)...)
	consumedExactly([]*member{a, b}, earlier, produced)
	b.stop()
	bv, _, _ := b.snapshot()
	earlier = append(earlier, bv...)
	waitFor([]*member{a}, "a to own every partition after b left", func() bool { return splitAll(a) })
	produced = append(produced, r.produceValues(topic, "c", 20)...)
	consumedExactly([]*member{a}, earlier, produced)
	a.stop()
	r.checkCommittedAtEnd(group, topic)
}

// staticMembership: a static member closes (no LeaveGroup) and a new client with the same instance id gets the
// same partitions back; the other member sees no rebalance; records produced meanwhile come from its commits.
func staticMembership(r *Run) {
	topic, group := r.Name("t"), r.Name("g")
	r.createTopic(topic, groupPartitions, nil)
	produced := r.produceValues(topic, "a", 40)
	static := func(id string) []kgo.Opt {
		return []kgo.Opt{kgo.InstanceID(id), kgo.SessionTimeout(30 * time.Second), kgo.Balancers(kgo.RangeBalancer())}
	}
	a := r.startMember("a", group, topic, static("instance-a")...)
	b := r.startMember("b", group, topic, static("instance-b")...)
	waitFor([]*member{a, b}, "a and b to split the partitions", func() bool { return splitAll(a, b) })
	var earlier []string
	consumedExactly([]*member{a, b}, earlier, produced)
	adm := r.admin()
	defer adm.Close()
	described, err := adm.DescribeGroups(r.Ctx, group)
	ok(err, "describe groups")
	var instances []string
	for _, m := range described[group].Members {
		if m.InstanceID != nil {
			instances = append(instances, *m.InstanceID)
		}
	}
	equal([]string{"instance-a", "instance-b"}, sorted(instances), "group.instance.id of the members")
	mine := fmt.Sprint(a.assignment())
	_, bEvents, _ := b.snapshot()
	a.stop()
	av, _, _ := a.snapshot()
	earlier = append(earlier, av...)
	produced = append(produced, r.produceValues(topic, "b", 40)...)
	again := r.startMember("a-again", group, topic, static("instance-a")...)
	waitFor([]*member{again, b}, "the static member to get its partitions back", func() bool { return fmt.Sprint(again.assignment()) == mine })
	consumedExactly([]*member{again, b}, earlier, produced)
	_, bAfter, _ := b.snapshot()
	equal(bEvents, bAfter, "b saw no rebalance")
	again.stop()
	b.stop()
	r.checkCommittedAtEnd(group, topic)
}
