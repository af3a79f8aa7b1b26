// The MQTT codec: every packet type round-trips in 3.1.1 and 5.0; bytes pinned against the spec's
// examples; the framer's limits; topic rules as properties against a plain reference matcher.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import fc from 'fast-check';
import {
  MqttError,
  PacketFramer,
  ReasonCode,
  decodePacket,
  encodePacket,
  filtersOverlap,
  parseSharedFilter,
  publishPacketSize,
  readVariableByteInteger,
  topicFilterProblem,
  topicMatches,
  topicNameProblem,
  variableByteIntegerSize,
  writeVariableByteInteger,
  type Packet,
  type ProtocolVersion,
} from '../../src/mqtt/index.js';
import { normalise, packetArb } from './codec-arbitraries.js';

function roundTrip(p: Packet, version: ProtocolVersion): Packet {
  const bytes = encodePacket(p, version);
  const framer = new PacketFramer();
  framer.push(bytes);
  const raw = framer.next();
  assert.ok(raw, 'one whole packet');
  assert.equal(raw.size, bytes.length);
  assert.equal(framer.bufferedBytes, 0);
  return decodePacket(raw.first, raw.body, version);
}

for (const version of [4, 5] as const) {
  test(`every packet type round-trips (protocol level ${version})`, () => {
    fc.assert(
      fc.property(packetArb(version), (p) => {
        assert.deepEqual(normalise(roundTrip(p, version)), normalise(p));
      }),
      { numRuns: 800 },
    );
  });
}

test('variable byte integers: the spec table boundaries (§1.5.5) and round trips', () => {
  const cases: [number, number[]][] = [
    [0, [0x00]],
    [127, [0x7f]],
    [128, [0x80, 0x01]],
    [16_383, [0xff, 0x7f]],
    [16_384, [0x80, 0x80, 0x01]],
    [2_097_151, [0xff, 0xff, 0x7f]],
    [2_097_152, [0x80, 0x80, 0x80, 0x01]],
    [268_435_455, [0xff, 0xff, 0xff, 0x7f]],
  ];
  for (const [n, bytes] of cases) {
    const buf = Buffer.alloc(4);
    assert.equal(writeVariableByteInteger(buf, 0, n), bytes.length);
    assert.deepEqual([...buf.subarray(0, bytes.length)], bytes);
    assert.equal(variableByteIntegerSize(n), bytes.length);
    assert.deepEqual(readVariableByteInteger(Buffer.from(bytes), 0, bytes.length), { value: n, next: bytes.length });
  }
  assert.equal(readVariableByteInteger(Buffer.from([0x80, 0x80]), 0, 2), null, 'cut short: needs more bytes');
  assert.throws(() => readVariableByteInteger(Buffer.from([0x80, 0x80, 0x80, 0x80, 0x01]), 0, 5), MqttError);
});

test('known encodings: CONNECT 3.1.1, PUBLISH QoS 1, PINGREQ, 5.0 PUBACK shortened', () => {
  const connect = encodePacket({ type: 'connect', protocolVersion: 4, cleanStart: true, keepAlive: 60, clientId: 'ab' }, 4);
  // 0x10, RL 14, "MQTT", level 4, flags 0x02, keep alive 60, client id "ab"
  assert.equal(connect.toString('hex'), '100e00044d5154540402003c00026162');
  const publish = encodePacket({ type: 'publish', topic: 'a/b', payload: Buffer.from('hi'), qos: 1, retain: true, dup: false, packetId: 10 }, 4);
  assert.equal(publish.toString('hex'), '3309' + '0003612f62' + '000a' + '6869');
  assert.equal(publishPacketSize({ type: 'publish', topic: 'a/b', payload: Buffer.from('hi'), qos: 1, retain: true, dup: false, packetId: 10 }, 4), publish.length);
  assert.equal(encodePacket({ type: 'pingreq' }, 4).toString('hex'), 'c000');
  // 5.0 §3.4.2.1: Success with no properties may be sent as remaining length 2.
  assert.equal(encodePacket({ type: 'puback', packetId: 1, reasonCode: 0 }, 5).toString('hex'), '40020001');
  assert.deepEqual(decodePacket(0x40, Buffer.from([0, 1, 0x10]), 5), { type: 'puback', packetId: 1, reasonCode: 0x10 });
  // 3.1.1 CONNACK carries a return code: Not authorized (0x87) becomes 5.
  assert.equal(encodePacket({ type: 'connack', sessionPresent: false, reasonCode: ReasonCode.NotAuthorized }, 4).toString('hex'), '20020005');
});

function rejects(first: number, body: number[], version: ProtocolVersion, reason: number): void {
  try {
    decodePacket(first, Buffer.from(body), version);
  } catch (e) {
    assert.ok(e instanceof MqttError, String(e));
    assert.equal(e.reasonCode, reason, e.message);
    return;
  }
  assert.fail(`decoded ${Buffer.from(body).toString('hex')}`);
}

test('malformed packets and protocol errors carry the reason code the server closes with', () => {
  const M = ReasonCode.MalformedPacket;
  const P = ReasonCode.ProtocolError;
  rejects(0x00, [], 4, M); // reserved type 0
  rejects(0xc1, [], 4, M); // PINGREQ with a flag set
  rejects(0x60, [0, 1], 4, M); // PUBREL without its 0b0010 flags
  rejects(0x36, [0, 1, 0x61, 0, 1], 4, M); // PUBLISH QoS 3
  rejects(0x38, [0, 1, 0x61], 4, P); // DUP on QoS 0
  rejects(0x32, [0, 1, 0x61, 0, 0], 4, P); // QoS 1 with packet id 0
  rejects(0x30, [0, 2, 0xc3, 0x28], 4, M); // topic with ill-formed UTF-8
  rejects(0x30, [0, 2, 0x61, 0x00], 4, M); // topic holding U+0000
  rejects(0x30, [0, 5, 0x61], 4, M); // string longer than the packet
  rejects(0x82, [0, 1], 4, P); // SUBSCRIBE without filters
  rejects(0x82, [0, 1, 0, 1, 0x61, 0x04], 4, M); // 3.1.1: No Local bit is reserved
  rejects(0x82, [0, 1, 0, 0, 1, 0x61, 0x30], 5, P); // Retain Handling 3
  rejects(0x40, [0, 1, 0, 0], 4, M); // 3.1.1 PUBACK with extra bytes
  rejects(0xe0, [0], 4, M); // 3.1.1 DISCONNECT with a body
  rejects(0xf0, [], 4, M); // AUTH on 3.1.1
  // CONNECT: reserved flag, unknown level, 3.1.1 password without user name
  rejects(0x10, [0, 4, 0x4d, 0x51, 0x54, 0x54, 4, 0x03, 0, 0, 0, 0], 4, M);
  rejects(0x10, [0, 4, 0x4d, 0x51, 0x54, 0x54, 6, 0x02, 0, 0, 0, 0], 4, ReasonCode.UnsupportedProtocolVersion);
  rejects(0x10, [0, 4, 0x4d, 0x51, 0x54, 0x54, 4, 0x42, 0, 0, 0, 0, 0, 0], 4, M);
  // 5.0 properties: unknown id, not allowed in the packet, duplicated, out of domain
  rejects(0x30, [0, 1, 0x61, 2, 0x7f, 0], 5, M);
  rejects(0x30, [0, 1, 0x61, 2, 0x11, 0, 0, 0, 0], 5, M); // Session Expiry Interval in PUBLISH (length wrong too)
  rejects(0x30, [0, 1, 0x61, 4, 0x01, 1, 0x01, 1], 5, P); // Payload Format Indicator twice
  rejects(0x30, [0, 1, 0x61, 2, 0x01, 2], 5, P); // Payload Format Indicator 2
  rejects(0x30, [0, 1, 0x61, 3, 0x23, 0, 0], 5, P); // Topic Alias 0
  rejects(0x30, [0, 1, 0x61, 9], 5, M); // property length past the end
});

test('the framer: split input, malformed remaining length, packets over the maximum size', () => {
  const a = encodePacket({ type: 'publish', topic: 't', payload: Buffer.alloc(300, 7), qos: 0, retain: false, dup: false }, 4);
  const b = encodePacket({ type: 'pingreq' }, 4);
  const all = Buffer.concat([a, b]);
  const framer = new PacketFramer();
  for (const byte of all) framer.push(Buffer.from([byte]));
  const first = framer.next();
  assert.equal(first?.first, 0x30);
  assert.equal(first?.body.length, a.length - 3);
  assert.equal(framer.next()?.first, 0xc0);
  assert.equal(framer.next(), null);

  const bad = new PacketFramer();
  bad.push(Buffer.from([0x30, 0xff, 0xff, 0xff, 0xff, 0x01]));
  assert.throws(() => bad.next(), (e: unknown) => e instanceof MqttError && e.reasonCode === ReasonCode.MalformedPacket);

  const small = new PacketFramer(100);
  small.push(Buffer.from([0x30, 0xe8, 0x07])); // announces 1000 bytes, none sent
  assert.throws(() => small.next(), (e: unknown) => e instanceof MqttError && e.reasonCode === ReasonCode.PacketTooLarge);
  assert.equal(small.bufferedBytes, 3, 'nothing allocated for the announced body');
});

test('topic names and filters (§4.7) and shared subscriptions (§4.8.2)', () => {
  for (const ok of ['a', '/', 'a/b/c', '$SYS/x', 'a//b', ' ']) assert.equal(topicNameProblem(ok), null, ok);
  for (const bad of ['', 'a/+', 'a/#', '#']) assert.notEqual(topicNameProblem(bad), null, bad);
  for (const ok of ['#', '+', 'a/+/b', 'a/#', '+/+', '/#', 'sport/tennis/+']) assert.equal(topicFilterProblem(ok), null, ok);
  for (const bad of ['', 'a#', 'a/#/b', 'a+', 'a/b+/c', '##']) assert.notEqual(topicFilterProblem(bad), null, bad);
  assert.deepEqual(parseSharedFilter('$share/g1/a/+'), { group: 'g1', filter: 'a/+' });
  assert.equal(parseSharedFilter('a/b'), null);
  for (const bad of ['$share/g1', '$share//a', '$share/g+/a', '$share/g/a#']) assert.throws(() => parseSharedFilter(bad), Error, bad);
  // The spec's examples (§4.7.1.2, §4.7.1.3, §4.7.2).
  assert.ok(topicMatches('sport/tennis/player1/#', 'sport/tennis/player1'));
  assert.ok(topicMatches('sport/tennis/player1/#', 'sport/tennis/player1/score/wimbledon'));
  assert.ok(topicMatches('sport/#', 'sport'));
  assert.ok(topicMatches('sport/tennis/+', 'sport/tennis/player1'));
  assert.ok(!topicMatches('sport/tennis/+', 'sport/tennis/player1/ranking'));
  assert.ok(!topicMatches('sport/+', 'sport'));
  assert.ok(topicMatches('sport/+', 'sport/'));
  assert.ok(topicMatches('+/+', '/finance'));
  assert.ok(topicMatches('/+', '/finance'));
  assert.ok(!topicMatches('+', '/finance'));
  assert.ok(!topicMatches('#', '$SYS/monitor/Clients'));
  assert.ok(!topicMatches('+/monitor/Clients', '$SYS/monitor/Clients'));
  assert.ok(topicMatches('$SYS/#', '$SYS/monitor/Clients'));
  assert.ok(topicMatches('$SYS/monitor/+', '$SYS/monitor/Clients'));
});

/** The plain definition: split into levels and compare. */
function referenceMatch(filter: string, topic: string): boolean {
  if (topic.startsWith('$') && /^[+#]/.test(filter)) return false;
  const f = filter.split('/');
  const t = topic.split('/');
  for (let i = 0; i < f.length; i++) {
    if (f[i] === '#') return true;
    if (i >= t.length) return false;
    if (f[i] !== '+' && f[i] !== t[i]) return false;
  }
  return f.length === t.length;
}

test('topic matching agrees with the level-by-level definition; overlap never misses a common topic', () => {
  const level = fc.constantFrom('a', 'b', '', '$x');
  const topic = fc.array(level, { minLength: 1, maxLength: 4 }).map((l) => l.join('/'));
  const filter = fc
    .tuple(fc.array(fc.constantFrom('a', 'b', '', '+'), { minLength: 1, maxLength: 4 }), fc.boolean())
    .map(([l, hash]) => (hash ? [...l, '#'] : l).join('/'));
  fc.assert(
    fc.property(filter, topic, (f, t) => {
      assert.equal(topicMatches(f, t), referenceMatch(f, t), `${f} vs ${t}`);
    }),
    { numRuns: 3000 },
  );
  fc.assert(
    fc.property(filter, filter, topic, (f1, f2, t) => {
      if (topicMatches(f1, t) && topicMatches(f2, t)) assert.ok(filtersOverlap(f1, f2), `${f1} and ${f2} both match ${t}`);
    }),
    { numRuns: 3000 },
  );
});
