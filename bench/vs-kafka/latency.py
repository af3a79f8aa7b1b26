"""End-to-end latency at a steady rate, for the vs-kafka benchmark (bench/vs-kafka.bench.ts).

One process produces, another consumes; both run librdkafka through confluent_kafka on
/usr/bin/python3 (the same client against Brook and Kafka). Each value starts with the
producer's wall clock in nanoseconds; the consumer subtracts it from its own clock on receipt
(same machine, same clock), so latency = produce call -> record in the consumer's hands, which
includes the producer's batching (linger.ms), the broker's append and the fetch's long poll.

  latency.py consume <bootstrap> <topic> <count> <limit_s>
      assigns every partition at its end, prints {"ready": true}, then one JSON line of
      latencies in microseconds once <count> records arrived (or <limit_s> passed).
  latency.py produce <bootstrap> <topic> <rate> <seconds> <size> <acks>
      (linger.ms from LATENCY_LINGER_MS, default 1)
      after one untimed warm-up record per partition (zero timestamp; the consumer skips it),
      sends rate*seconds records of <size> bytes, paced per millisecond; prints a JSON line
      with what was sent, how long it took and the acknowledgement latencies in microseconds.
"""
import json
import os
import sys
import time

from confluent_kafka import Consumer, Producer, TopicPartition, OFFSET_END


def consume(bootstrap, topic, count, limit_s):
    c = Consumer({
        'bootstrap.servers': bootstrap,
        'group.id': 'vs-kafka-latency',
        'enable.auto.commit': False,
        'enable.partition.eof': False,
        'fetch.wait.max.ms': 500,
    })
    md = c.list_topics(topic, timeout=10)
    parts = sorted(md.topics[topic].partitions.keys())
    c.assign([TopicPartition(topic, p, OFFSET_END) for p in parts])
    # Positions are resolved lazily: poll until the assignment is live before saying ready.
    deadline = time.time() + 10
    while time.time() < deadline:
        c.poll(0.05)
        if all(tp.offset >= 0 for tp in c.position([TopicPartition(topic, p) for p in parts])):
            break
    print(json.dumps({'ready': True}), flush=True)
    lat = []
    end = time.time() + limit_s
    while len(lat) < count and time.time() < end:
        # One record per poll, timed as it is handed over: a batched consume() would hold records
        # back until its batch filled and add that wait to every latency.
        m = c.poll(0.1)
        if m is None or m.error():
            continue
        now = time.time_ns()
        sent_ns = int.from_bytes(m.value()[:8], 'big')
        if sent_ns == 0:
            continue  # the producer's warm-up record (not timed)
        lat.append((now - sent_ns) // 1000)
    c.close()
    print(json.dumps({'received': len(lat), 'latencies_us': lat}), flush=True)


def produce(bootstrap, topic, rate, seconds, size, acks):
    acked = []

    def on_delivery(err, msg):
        if err is None:
            acked.append((time.time_ns() - int.from_bytes(msg.value()[:8], 'big')) // 1000)

    p = Producer({'bootstrap.servers': bootstrap, 'acks': acks, 'linger.ms': float(os.environ.get('LATENCY_LINGER_MS', '1'))})
    total = rate * seconds
    pad = b'x' * max(0, size - 8)
    # Warm-up, not timed: librdkafka holds the first records of a topic until it has the topic's
    # metadata and a connection to the partition's leader (seen: records of the first few hundred ms
    # waiting up to 1.1 s), which is start-up, not the steady rate this measures. One record per
    # partition, marked by a zero timestamp the consumer skips, is sent and acknowledged first.
    for part in p.list_topics(topic, timeout=10).topics[topic].partitions:
        p.produce(topic, bytes(8) + pad, partition=part)
    p.flush(30)
    start = time.perf_counter()
    sent = 0
    while sent < total:
        due = min(total, int((time.perf_counter() - start) * rate) + 1)
        while sent < due:
            try:
                p.produce(topic, time.time_ns().to_bytes(8, 'big') + pad, on_delivery=on_delivery)
            except BufferError:
                # The broker is not keeping up and librdkafka's queue is full: wait for room. The
                # offered rate then drops below the target, which the report shows.
                p.poll(0.01)
                continue
            sent += 1
        p.poll(0)
        # Sleep to the next millisecond tick (10 records per tick at 10,000/s).
        next_at = start + (sent / rate)
        delay = next_at - time.perf_counter()
        if delay > 0:
            time.sleep(delay)
    elapsed = time.perf_counter() - start
    p.flush(30)
    print(json.dumps({'sent': sent, 'elapsed_s': elapsed, 'acked': len(acked), 'ack_latencies_us': acked}), flush=True)


if __name__ == '__main__':
    mode = sys.argv[1]
    if mode == 'consume':
        consume(sys.argv[2], sys.argv[3], int(sys.argv[4]), float(sys.argv[5]))
    else:
        produce(sys.argv[2], sys.argv[3], int(sys.argv[4]), int(sys.argv[5]), int(sys.argv[6]), sys.argv[7])
