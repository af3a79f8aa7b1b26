// Unmodified Eclipse paho-mqtt (Debian's python3-paho-mqtt) against Brook: a 5.0 client and a
// 3.1.1 client exchange QoS 0/1/2 messages through a wildcard subscription with 5.0 user properties
// and content type, a retained message reaches a later subscriber, and a 3.1.1 persistent session
// (clean_session=False) gets the QoS 1 messages published while it was away.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { expectSuccess, jsonLines, runPython } from '../helpers/processes.js';
import { clients, skipUnless } from '../helpers/real-clients.js';
import { startMqttBroker, type MqttTestBroker } from './mqtt-helpers.js';

const skip = skipUnless(clients.pahoMqtt(), 'python3-paho-mqtt');

let b: MqttTestBroker;
before(async () => {
  if (skip) return;
  b = await startMqttBroker();
});
after(async () => {
  await b?.close();
});

// Every wait is bounded (a guard, not a synchronisation): events are set by paho's callbacks.
const PROGRAM = String.raw`
import json, sys, threading
import paho.mqtt.client as mqtt
from paho.mqtt.properties import Properties
from paho.mqtt.packettypes import PacketTypes

port = int(sys.argv[1])
LIMIT = 20

def client(cid, protocol, clean=True):
    kw = {'client_id': cid, 'protocol': protocol}
    if protocol != mqtt.MQTTv5:
        kw['clean_session'] = clean
    if hasattr(mqtt, 'CallbackAPIVersion'):
        return mqtt.Client(mqtt.CallbackAPIVersion.VERSION1, **kw)
    return mqtt.Client(**kw)

def start(c, **connect_kw):
    done = threading.Event()
    c.on_connect = lambda *a, **k: done.set()
    c.connect('127.0.0.1', port, keepalive=30, **connect_kw)
    c.loop_start()
    assert done.wait(LIMIT), 'no CONNACK'

def subscribe(c, topic, qos):
    done = threading.Event()
    c.on_subscribe = lambda *a, **k: done.set()
    c.subscribe(topic, qos)
    assert done.wait(LIMIT), 'no SUBACK'

def collector(c, n):
    got, done = [], threading.Event()
    def on_message(_c, _u, m):
        props = {}
        p = getattr(m, 'properties', None)
        if p is not None and hasattr(p, 'UserProperty'):
            props['user'] = [list(x) for x in p.UserProperty]
        if p is not None and hasattr(p, 'ContentType'):
            props['contentType'] = p.ContentType
        got.append({'topic': m.topic, 'payload': m.payload.decode(), 'qos': m.qos, 'retain': bool(m.retain), **props})
        if len(got) >= n:
            done.set()
    c.on_message = on_message
    return got, done

def stop(c):
    c.disconnect()
    c.loop_stop()

mode = sys.argv[2]
if mode == 'roundtrip':
    sub = client('paho-sub', mqtt.MQTTv5)
    start(sub)
    got, done = collector(sub, 4)
    subscribe(sub, 'garden/+/moisture', 2)
    pub = client('paho-pub', mqtt.MQTTv311)
    start(pub)
    for qos, room in ((0, 'roses'), (1, 'herbs'), (2, 'lawn')):
        pub.publish('garden/%s/moisture' % room, '%d%%' % (30 + qos), qos=qos).wait_for_publish()
    pub5 = client('paho-pub5', mqtt.MQTTv5)
    start(pub5)
    props = Properties(PacketTypes.PUBLISH)
    props.UserProperty = [('sensor', 'capacitive'), ('unit', 'percent')]
    props.ContentType = 'text/plain'
    pub5.publish('garden/pond/moisture', '100%', qos=1, properties=props).wait_for_publish()
    assert done.wait(LIMIT), 'got %r' % got
    for m in got:
        print(json.dumps(m))
    # A retained message reaches a subscriber that arrives later.
    pub5.publish('garden/gate', 'closed', qos=1, retain=True).wait_for_publish()
    late = client('paho-late', mqtt.MQTTv5)
    start(late)
    got_late, done_late = collector(late, 1)
    subscribe(late, 'garden/gate', 1)
    assert done_late.wait(LIMIT), 'no retained message'
    print(json.dumps(got_late[0]))
    for c in (sub, pub, pub5, late):
        stop(c)
elif mode == 'persistent':
    away = client('paho-away', mqtt.MQTTv311, clean=False)
    start(away)
    subscribe(away, 'mail/#', 1)
    stop(away)
    pub = client('paho-mail', mqtt.MQTTv311)
    start(pub)
    for i in range(3):
        pub.publish('mail/inbox', 'letter-%d' % i, qos=1).wait_for_publish()
    stop(pub)
    back = client('paho-away', mqtt.MQTTv311, clean=False)
    got, done = collector(back, 3)
    present = threading.Event()
    def on_connect(_c, _u, flags, rc):
        if flags.get('session present'):
            present.set()
    back.on_connect = on_connect
    back.connect('127.0.0.1', port, keepalive=30)
    back.loop_start()
    assert done.wait(LIMIT), 'got %r' % got
    print(json.dumps({'sessionPresent': present.is_set(), 'payloads': [m['payload'] for m in got], 'qos': [m['qos'] for m in got]}))
    stop(back)
`;

test('paho-mqtt: QoS 0/1/2 through a wildcard from 3.1.1 to 5.0, user properties and content type, retained', { skip }, async () => {
  const r = await runPython(PROGRAM, [String(b.mqttPort), 'roundtrip'], { limitMs: 120_000 });
  expectSuccess(r, 'paho roundtrip');
  const lines = jsonLines<Record<string, unknown>>(r.stdout);
  assert.deepEqual(lines, [
    { topic: 'garden/roses/moisture', payload: '30%', qos: 0, retain: false },
    { topic: 'garden/herbs/moisture', payload: '31%', qos: 1, retain: false },
    { topic: 'garden/lawn/moisture', payload: '32%', qos: 2, retain: false },
    { topic: 'garden/pond/moisture', payload: '100%', qos: 1, retain: false, user: [['sensor', 'capacitive'], ['unit', 'percent']], contentType: 'text/plain' },
    { topic: 'garden/gate', payload: 'closed', qos: 1, retain: true },
  ]);
});

test('paho-mqtt: a 3.1.1 persistent session receives the QoS 1 messages published while it was away', { skip }, async () => {
  const r = await runPython(PROGRAM, [String(b.mqttPort), 'persistent'], { limitMs: 120_000 });
  expectSuccess(r, 'paho persistent');
  assert.deepEqual(jsonLines(r.stdout), [{ sessionPresent: true, payloads: ['letter-0', 'letter-1', 'letter-2'], qos: [1, 1, 1] }]);
});
