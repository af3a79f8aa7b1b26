// fast-check arbitraries for MQTT packets of each version, shaped so encode -> decode gives them back.
import fc from 'fast-check';
import type { Packet, ProtocolVersion, QoS } from '../../src/mqtt/index.js';
import type { Properties } from '../../src/mqtt/index.js';

const str = fc.string({ maxLength: 12 }).filter((s) => !s.includes('\u0000'));
const bin = fc.uint8Array({ maxLength: 16 }).map((a) => Buffer.from(a));
const qos = fc.constantFrom<QoS>(0, 1, 2);
const id = fc.integer({ min: 1, max: 65535 });
const u16 = fc.integer({ min: 1, max: 65535 });
const u32 = fc.integer({ min: 1, max: 0xffffffff });
const bool01 = fc.constantFrom(0, 1);
const userProps = fc.array(fc.tuple(str, str), { minLength: 1, maxLength: 3 }) as fc.Arbitrary<[string, string][]>;

function props<K extends keyof Properties>(arbs: { [P in K]: fc.Arbitrary<Properties[P]> }): fc.Arbitrary<Properties> {
  return fc.record(arbs, { requiredKeys: [] }) as fc.Arbitrary<Properties>;
}

const publishProps = props({
  payloadFormatIndicator: bool01,
  messageExpiryInterval: u32,
  contentType: str,
  responseTopic: str,
  correlationData: bin,
  subscriptionIdentifiers: fc.array(fc.integer({ min: 1, max: 268_435_455 }), { minLength: 1, maxLength: 2 }),
  topicAlias: u16,
  userProperties: userProps,
});
const ackProps = props({ reasonString: str, userProperties: userProps });

export function packetArb(version: ProtocolVersion): fc.Arbitrary<Packet> {
  const v5 = version === 5;
  const maybe = (a: fc.Arbitrary<Properties>) => (v5 ? a.map((p) => ({ properties: p })) : fc.constant({}));
  const connect = fc
    .record({
      cleanStart: fc.boolean(),
      keepAlive: fc.integer({ min: 0, max: 65535 }),
      clientId: str,
      username: fc.option(str, { nil: undefined }),
      password: fc.option(bin, { nil: undefined }),
      will: fc.option(fc.record({ topic: str, payload: bin, qos, retain: fc.boolean(), p: maybe(props({ willDelayInterval: u32, contentType: str, userProperties: userProps })) }), { nil: undefined }),
      p: maybe(props({ sessionExpiryInterval: u32, receiveMaximum: u16, maximumPacketSize: u32, topicAliasMaximum: u16, requestProblemInformation: bool01, userProperties: userProps })),
    })
    .filter((c) => v5 || c.password === undefined || c.username !== undefined)
    .map((c): Packet => {
      const p: Packet = { type: 'connect', protocolVersion: version, cleanStart: c.cleanStart, keepAlive: c.keepAlive, clientId: c.clientId, ...c.p };
      if (c.username !== undefined) p.username = c.username;
      if (c.password !== undefined) p.password = c.password;
      if (c.will) p.will = { topic: c.will.topic, payload: c.will.payload, qos: c.will.qos, retain: c.will.retain, ...c.will.p };
      return p;
    });
  const publish = fc.record({ topic: str, payload: bin, qos, retain: fc.boolean(), dup: fc.boolean(), packetId: id, p: maybe(publishProps) }).map((x): Packet => {
    const p: Packet = { type: 'publish', topic: x.topic, payload: x.payload, qos: x.qos, retain: x.retain, dup: x.qos > 0 && x.dup, ...x.p };
    if (x.qos > 0) p.packetId = x.packetId;
    return p;
  });
  const ack = fc.record({ type: fc.constantFrom('puback', 'pubrec', 'pubrel', 'pubcomp'), packetId: id, reasonCode: v5 ? fc.constantFrom(0, 0x10, 0x80, 0x92) : fc.constant(0), p: maybe(ackProps) }).map((x): Packet => ({ type: x.type as 'puback', packetId: x.packetId, reasonCode: x.reasonCode, ...x.p }));
  const subscribe = fc
    .record({
      packetId: id,
      subs: fc.array(fc.record({ filter: str, qos, noLocal: fc.boolean(), retainAsPublished: fc.boolean(), retainHandling: fc.constantFrom<0 | 1 | 2>(0, 1, 2) }), { minLength: 1, maxLength: 3 }),
      p: maybe(props({ subscriptionIdentifiers: fc.array(fc.integer({ min: 1, max: 268_435_455 }), { minLength: 1, maxLength: 1 }), userProperties: userProps })),
    })
    .map((x): Packet => ({ type: 'subscribe', packetId: x.packetId, subscriptions: x.subs.map((s) => (v5 ? s : { ...s, noLocal: false, retainAsPublished: false, retainHandling: 0 })), ...x.p }));
  const suback = fc.record({ packetId: id, codes: fc.array(fc.constantFrom(0, 1, 2, 0x80), { minLength: 1, maxLength: 4 }), p: maybe(ackProps) }).map((x): Packet => ({ type: 'suback', packetId: x.packetId, reasonCodes: x.codes, ...x.p }));
  const unsubscribe = fc.record({ packetId: id, filters: fc.array(str, { minLength: 1, maxLength: 3 }), p: maybe(props({ userProperties: userProps })) }).map((x): Packet => ({ type: 'unsubscribe', packetId: x.packetId, filters: x.filters, ...x.p }));
  const unsuback = fc.record({ packetId: id, codes: fc.array(fc.constantFrom(0, 0x11), { minLength: 1, maxLength: 3 }), p: maybe(ackProps) }).map((x): Packet => ({ type: 'unsuback', packetId: x.packetId, reasonCodes: v5 ? x.codes : [], ...x.p }));
  const connack = fc.record({ sessionPresent: fc.boolean(), p: maybe(props({ assignedClientIdentifier: str, receiveMaximum: u16, maximumQoS: bool01, topicAliasMaximum: u16, serverKeepAlive: u16 })) }).map((x): Packet => ({ type: 'connack', sessionPresent: x.sessionPresent, reasonCode: 0, ...x.p }));
  const disconnect = fc.record({ reasonCode: v5 ? fc.constantFrom(0, 4, 0x81, 0x8e) : fc.constant(0), p: maybe(props({ sessionExpiryInterval: u32, reasonString: str })) }).map((x): Packet => ({ type: 'disconnect', reasonCode: x.reasonCode, ...x.p }));
  const ping = fc.constantFrom<Packet>({ type: 'pingreq' }, { type: 'pingresp' });
  const all = [connect, publish, ack, subscribe, suback, unsubscribe, unsuback, connack, disconnect, ping];
  if (v5) all.push(fc.record({ reasonCode: fc.constantFrom(0, 0x18), p: props({ authenticationMethod: str, authenticationData: bin }) }).map((x): Packet => ({ type: 'auth', reasonCode: x.reasonCode, properties: x.p })));
  return fc.oneof(...all);
}

/** Drops empty property blocks, which decode as absent in places where the encoder may leave them out. */
export function normalise(p: Packet): unknown {
  return JSON.parse(JSON.stringify(p, (_k, v: unknown) => (v && typeof v === 'object' && (v as { type?: string }).type === 'Buffer' ? Buffer.from((v as { data: number[] }).data).toString('hex') : v)), (k, v: unknown) =>
    k === 'properties' && v && typeof v === 'object' && Object.keys(v).length === 0 ? undefined : v,
  );
}
