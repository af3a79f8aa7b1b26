// The real-client runs scripts/capture-golden.ts drives against its responder: each an unmodified
// client (kcat, the Debian python clients, kafkajs, @platformatic/kafka) doing produce per codec and
// a group consume with a commit, bounded by a time limit, talking only to 127.0.0.1.
//
// Every run produces 3 records: key `key-<i>`, value `<client>-<codec>-<i>` followed by VALUE_PAD,
// header trace=golden (test/protocol/golden.test.ts checks exactly these). The padding makes the
// batches compressible: librdkafka sends a batch uncompressed when compressing does not shrink it.
// A client may split the records over batches (librdkafka sends the first record alone at times).

export const TOPIC = 'golden';
export const VALUE_PAD = '.'.repeat(64);
export const GROUP = 'golden-group';

export interface ClientStep {
  /** Fixture subdirectory and client id prefix. */
  client: string;
  /** What the step does, for the log and the README. */
  what: string;
  cmd: string;
  args: string[];
  input?: string;
  /** Hard limit; the client is sent SIGTERM then (kcat -G leaves its group and commits on it). */
  limitMs: number;
}

const PYTHON = '/usr/bin/python3'; // the only interpreter that imports the Debian Kafka clients

export const KCAT_CODECS = ['none', 'gzip', 'snappy', 'lz4', 'zstd'] as const;

function kcatInput(codec: string): string {
  return [0, 1, 2].map((i) => `key-${i}:kcat-${codec}-${i}${VALUE_PAD}\n`).join('');
}

export function kcatSteps(bootstrap: string): ClientStep[] {
  const common = ['-b', bootstrap, '-X', 'client.id=kcat-golden'];
  const steps: ClientStep[] = [
    { client: 'kcat', what: 'kcat -L -t golden', cmd: 'kcat', args: ['-L', ...common, '-t', TOPIC], limitMs: 15_000 },
  ];
  for (const codec of KCAT_CODECS) {
    steps.push({
      client: 'kcat',
      what: `kcat -P -z ${codec} -K : -H trace=golden`,
      cmd: 'kcat',
      args: ['-P', ...common, '-t', TOPIC, '-p', '0', '-z', codec, '-K', ':', '-H', 'trace=golden', '-X', 'linger.ms=200'],
      input: kcatInput(codec),
      limitMs: 15_000,
    });
  }
  steps.push(
    { client: 'kcat', what: 'kcat -C -p 0 -o beginning -e', cmd: 'kcat', args: ['-C', ...common, '-t', TOPIC, '-p', '0', '-o', 'beginning', '-e'], limitMs: 15_000 },
    { client: 'kcat', what: 'kcat -G golden-group golden -e', cmd: 'kcat', args: [...common, '-G', GROUP, TOPIC, '-e'], limitMs: 20_000 },
  );
  return steps;
}

const CONFLUENT_PROGRAM = `
import sys, time, confluent_kafka as ck
bootstrap = sys.argv[1]
base = {'bootstrap.servers': bootstrap, 'client.id': 'confluent-kafka-golden'}
for codec in ['none', 'gzip', 'snappy', 'lz4', 'zstd']:
    p = ck.Producer(dict(base, **{'compression.type': codec, 'linger.ms': 200}))
    for i in range(3):
        p.produce('${TOPIC}', key='key-%d' % i, value='confluent-kafka-%s-%d' % (codec, i) + '.' * 64, headers=[('trace', b'golden')], partition=0)
    left = p.flush(10)
    print('produced', codec, 'left', left, flush=True)
c = ck.Consumer(dict(base, **{'group.id': '${GROUP}', 'auto.offset.reset': 'earliest', 'enable.auto.commit': False}))
c.subscribe(['${TOPIC}'])
deadline = time.time() + 15
while time.time() < deadline:
    m = c.poll(0.5)
    if m is not None and m.error() is None:
        c.commit(message=m, asynchronous=False)
        print('consumed and committed', m.offset(), flush=True)
        break
c.close()
`;

// kafka-python 2.0.2 compresses snappy/lz4/zstd only with python-snappy, lz4 and zstandard, which
// the Debian python does not have: it can produce uncompressed and gzip only.
const KAFKA_PYTHON_PROGRAM = `
import sys, kafka
bootstrap = sys.argv[1]
for codec in [None, 'gzip']:
    p = kafka.KafkaProducer(bootstrap_servers=bootstrap, client_id='kafka-python-golden', compression_type=codec, linger_ms=50)
    name = codec or 'none'
    for i in range(3):
        p.send('${TOPIC}', key=b'key-%d' % i, value=('kafka-python-%s-%d' % (name, i) + '.' * 64).encode(), headers=[('trace', b'golden')], partition=0)
    p.flush(10)
    p.close(5)
    print('produced', name, flush=True)
c = kafka.KafkaConsumer('${TOPIC}', bootstrap_servers=bootstrap, client_id='kafka-python-golden', group_id='${GROUP}',
                        enable_auto_commit=False, auto_offset_reset='earliest', consumer_timeout_ms=8000)
for m in c:
    print('consumed', m.offset, flush=True)
    break
c.commit()
print('committed', flush=True)
c.close()
`;

const KAFKAJS_PROGRAM = `
import kafkajs from 'kafkajs';
const { Kafka, CompressionTypes, logLevel } = kafkajs;
const kafka = new Kafka({ clientId: 'kafkajs-golden', brokers: [process.argv[1]], logLevel: logLevel.ERROR, retry: { retries: 2 } });
const producer = kafka.producer();
await producer.connect();
for (const [name, compression] of [['none', CompressionTypes.None], ['gzip', CompressionTypes.GZIP]]) {
  const messages = [0, 1, 2].map((i) => ({ partition: 0, key: 'key-' + i, value: 'kafkajs-' + name + '-' + i + '.'.repeat(64), headers: { trace: 'golden' } }));
  await producer.send({ topic: '${TOPIC}', compression, messages });
  console.log('produced', name);
}
await producer.disconnect();
const consumer = kafka.consumer({ groupId: '${GROUP}', heartbeatInterval: 500 });
await consumer.connect();
await consumer.subscribe({ topic: '${TOPIC}', fromBeginning: true });
await new Promise((resolve) => {
  consumer.run({
    autoCommit: false,
    eachMessage: async ({ topic, partition, message }) => {
      await consumer.commitOffsets([{ topic, partition, offset: String(Number(message.offset) + 1) }]);
      console.log('consumed and committed', message.offset);
      resolve();
    },
  });
});
await consumer.disconnect();
`;

// @platformatic/kafka compresses zstd with node:zlib's zstd, which Node 20 lacks: none, gzip,
// snappy and lz4 here.
const PLATFORMATIC_PROGRAM = `
import { Producer, Consumer, stringSerializers, stringDeserializers } from '@platformatic/kafka';
const bootstrapBrokers = [process.argv[1]];
const clientId = 'platformatic-golden';
const producer = new Producer({ clientId, bootstrapBrokers, serializers: stringSerializers, autocreateTopics: false });
for (const codec of ['none', 'gzip', 'snappy', 'lz4']) {
  const messages = [0, 1, 2].map((i) => ({ topic: '${TOPIC}', partition: 0, key: 'key-' + i, value: 'platformatic-' + codec + '-' + i + '.'.repeat(64), headers: { trace: 'golden' } }));
  await producer.send({ messages, compression: codec });
  console.log('produced', codec);
}
await producer.close();
const consumer = new Consumer({ clientId, groupId: '${GROUP}', bootstrapBrokers, deserializers: stringDeserializers });
const stream = await consumer.consume({ topics: ['${TOPIC}'], autocommit: false, mode: 'earliest' });
for await (const message of stream) {
  await message.commit();
  console.log('consumed and committed', message.offset);
  break;
}
await stream.close();
await consumer.close();
`;

export function pythonSteps(bootstrap: string): ClientStep[] {
  return [
    { client: 'confluent-kafka', what: 'confluent_kafka Producer per codec, Consumer subscribe + commit', cmd: PYTHON, args: ['-c', CONFLUENT_PROGRAM, bootstrap], limitMs: 60_000 },
    { client: 'kafka-python', what: 'kafka.KafkaProducer none/gzip, KafkaConsumer group + commit', cmd: PYTHON, args: ['-c', KAFKA_PYTHON_PROGRAM, bootstrap], limitMs: 60_000 },
  ];
}

export function nodeSteps(bootstrap: string): ClientStep[] {
  const node = process.execPath;
  return [
    { client: 'kafkajs', what: 'kafkajs producer none/gzip, consumer group + commitOffsets', cmd: node, args: ['--input-type=module', '-e', KAFKAJS_PROGRAM, bootstrap], limitMs: 60_000 },
    { client: 'platformatic', what: '@platformatic/kafka producer none/gzip/snappy/lz4, consumer group + commit', cmd: node, args: ['--input-type=module', '-e', PLATFORMATIC_PROGRAM, bootstrap], limitMs: 60_000 },
  ];
}

/** The programs as text, for the README. */
export const programs = { CONFLUENT_PROGRAM, KAFKA_PYTHON_PROGRAM, KAFKAJS_PROGRAM, PLATFORMATIC_PROGRAM };
