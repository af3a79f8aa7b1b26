// The pure parts of the AMQP 0-9-1 handshake (connection.start ... connection.tune-ok): what the
// server announces, what the client's capabilities say, and the tuning rules.
//
//   - tune: the server proposes channel_max, frame_max and heartbeat; the client's tune-ok may
//     lower them (0 means "no limit" for the maxima); a frame_max below 4096 or above the server's,
//     or a channel_max above the server's, is 530 NOT_ALLOWED.
import { AmqpConstant, tableGet, type AmqpMethod, type FieldTable } from '../../amqp/index.js';
import { Reply } from './errors.js';
import { serverProperties } from './server-properties.js';

/** The server's side of the limits the handshake negotiates. */
export interface TuningLimits {
  channelMax: number;
  frameMax: number;
}

type TuneOk = Extract<AmqpMethod, { method: 'connection.tune-ok' }>;

/** connection.start: protocol 0-9, our properties, and the SASL mechanisms the authenticator offers. */
export function connectionStart(mechanisms: readonly string[]): AmqpMethod {
  return {
    method: 'connection.start',
    versionMajor: 0,
    versionMinor: 9,
    serverProperties: serverProperties(),
    mechanisms: Buffer.from(mechanisms.join(' ')),
    locales: Buffer.from('en_US'),
  };
}

/** The capabilities a client announces as true in connection.start-ok's client properties. */
export function clientCapabilities(clientProperties: FieldTable): Set<string> {
  const caps = tableGet(clientProperties, 'capabilities');
  const out = new Set<string>();
  if (caps?.type === 'F') for (const [k, v] of caps.value) if (v.type === 't' && v.value) out.add(k);
  return out;
}

/** The frame_max and channel_max in force after the client's tune-ok (throws 530 on a bad answer). */
export function negotiateTuning(limits: TuningLimits, m: TuneOk): TuningLimits {
  if (m.frameMax !== 0 && m.frameMax < AmqpConstant.FRAME_MIN_SIZE) throw Reply.notAllowed(`frame_max=${m.frameMax} < ${AmqpConstant.FRAME_MIN_SIZE} min size`);
  if (limits.frameMax !== 0 && m.frameMax > limits.frameMax) throw Reply.notAllowed(`frame_max=${m.frameMax} > ${limits.frameMax} max size`);
  if (limits.channelMax !== 0 && m.channelMax > limits.channelMax) throw Reply.notAllowed(`channel_max=${m.channelMax} > ${limits.channelMax} max`);
  return {
    frameMax: m.frameMax === 0 ? limits.frameMax : m.frameMax,
    channelMax: m.channelMax === 0 ? limits.channelMax : m.channelMax,
  };
}
