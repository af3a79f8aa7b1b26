// A consumer-group member in Python, driven by the group tests: confluent-kafka (librdkafka) or
// kafka-python, chosen by the first argument. It prints JSON lines: {"ev":"assigned","parts":[...]}
// after each assignment, {"ev":"rec","p","o","v"} for each record *after* its offset was committed
// synchronously (so a record printed once is never handed out again), {"ev":"idle"} after `max`
// records (it then keeps polling and serving rebalances but drops what arrives uncommitted, so a
// SIGKILL loses nothing in flight),
// and {"ev":"closed"} after a clean close on the "stop" command.
import { SYSTEM_PYTHON } from '../../helpers/real-clients.js';
import { LiveProcess } from './live-process.js';

export type PythonClient = 'ck' | 'kp';

export interface PythonConsumerOptions {
  bootstrap: string;
  group: string;
  topic: string;
  sessionTimeoutMs?: number;
  instanceId?: string;
  /** Stop taking records after this many (then idle, still a member). */
  max?: number;
  assignor?: 'range' | 'roundrobin' | 'cooperative-sticky';
  clientId?: string;
}

const PROGRAM = String.raw`
import json, sys, select, time
kind, opts = sys.argv[1], json.loads(sys.argv[2])
def out(**kw):
    sys.stdout.write(json.dumps(kw) + "\n"); sys.stdout.flush()
maxn = opts.get('max', 1 << 30)
count = 0
stopping = False
def stdin_command():
    r, _, _ = select.select([sys.stdin], [], [], 0)
    return sys.stdin.readline().strip() if r else None

if kind == 'ck':
    from confluent_kafka import Consumer, TopicPartition
    conf = {'bootstrap.servers': opts['bootstrap'], 'group.id': opts['group'], 'auto.offset.reset': 'earliest',
            'enable.auto.commit': False, 'session.timeout.ms': opts.get('session', 6000),
            'heartbeat.interval.ms': max(100, opts.get('session', 6000) // 6), 'client.id': opts.get('client', 'ck'),
            'partition.assignment.strategy': opts.get('assignor', 'range'), 'topic.metadata.refresh.interval.ms': 2000}
    if opts.get('instance'): conf['group.instance.id'] = opts['instance']
    c = Consumer(conf)
    # cooperative-sticky (KIP-429) hands out and takes back partitions incrementally: the callbacks
    # see only the change, so the member tracks its whole assignment and prints that.
    cooperative = opts.get('assignor') == 'cooperative-sticky'
    owned = set()
    def on_assign(cons, parts):
        owned.update(p.partition for p in parts)
        out(ev='assigned', parts=sorted(owned if cooperative else [p.partition for p in parts]))
    def on_revoke(cons, parts):
        if cooperative:
            owned.difference_update(p.partition for p in parts)
            out(ev='assigned', parts=sorted(owned))
        else:
            out(ev='revoked', parts=sorted(p.partition for p in parts))
    c.subscribe([opts['topic']], on_assign=on_assign, on_revoke=on_revoke)
    while True:
        cmd = stdin_command()
        if cmd == 'stop': break
        m = c.poll(0.1)
        if count >= maxn:
            if count == maxn: out(ev='idle')
            count = maxn + 1
            continue  # idle: keep the session and serve rebalances, never commit what arrives
        if m is None or m.error(): continue
        try:
            c.commit(offsets=[TopicPartition(m.topic(), m.partition(), m.offset() + 1)], asynchronous=False)
        except Exception as e:
            out(ev='commit-failed', p=m.partition(), o=m.offset(), err=str(e)); continue
        out(ev='rec', p=m.partition(), o=m.offset(), v=m.value().decode())
        count += 1
    c.close()
    out(ev='closed')
else:
    from kafka import KafkaConsumer, TopicPartition, OffsetAndMetadata
    from kafka.coordinator.assignors.range import RangePartitionAssignor
    from kafka.coordinator.assignors.roundrobin import RoundRobinPartitionAssignor
    from kafka.consumer.subscription_state import ConsumerRebalanceListener
    assignor = RoundRobinPartitionAssignor if opts.get('assignor') == 'roundrobin' else RangePartitionAssignor
    session = opts.get('session', 10000)
    c = KafkaConsumer(bootstrap_servers=opts['bootstrap'], group_id=opts['group'], auto_offset_reset='earliest',
                      enable_auto_commit=False, session_timeout_ms=session, heartbeat_interval_ms=max(100, session // 6),
                      client_id=opts.get('client', 'kp'), partition_assignment_strategy=[assignor], metadata_max_age_ms=2000)
    class L(ConsumerRebalanceListener):
        def on_partitions_assigned(self, parts): out(ev='assigned', parts=sorted(p.partition for p in parts))
        def on_partitions_revoked(self, parts): out(ev='revoked', parts=sorted(p.partition for p in parts))
    c.subscribe([opts['topic']], listener=L())
    while True:
        cmd = stdin_command()
        if cmd == 'stop': break
        batch = c.poll(timeout_ms=100, max_records=1)
        if count >= maxn:
            if count == maxn: out(ev='idle')
            count = maxn + 1
            continue
        for tp, msgs in batch.items():
            for m in msgs:
                try:
                    c.commit({tp: OffsetAndMetadata(m.offset + 1, None)})
                except Exception as e:
                    out(ev='commit-failed', p=m.partition, o=m.offset, err=str(e)); continue
                out(ev='rec', p=m.partition, o=m.offset, v=m.value.decode())
                count += 1
    c.close()
    out(ev='closed')
`;

export function startPythonConsumer(client: PythonClient, o: PythonConsumerOptions, name = `${client}-${o.group}`): LiveProcess {
  const opts = { bootstrap: o.bootstrap, group: o.group, topic: o.topic, session: o.sessionTimeoutMs, instance: o.instanceId, max: o.max, assignor: o.assignor, client: o.clientId };
  return new LiveProcess(SYSTEM_PYTHON, ['-c', PROGRAM, client, JSON.stringify(opts)], name);
}
