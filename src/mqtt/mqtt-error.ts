// The one error every decoder in src/mqtt throws. It carries the MQTT 5.0 reason code the server
// closes the connection with (OASIS MQTT 5.0 §4.13 "Handling errors"): Malformed Packet (0x81) when
// the bytes cannot be parsed as the spec lays them out, Protocol Error (0x82) when they parse but break
// a rule, Packet too large (0x95) when a packet exceeds the maximum size, and so on. Callers (the
// broker's MQTT connection) catch exactly this; anything else escaping a decoder is a bug.
import { ReasonCode, reasonName } from './reason-codes.js';

export class MqttError extends Error {
  override readonly name = 'MqttError';
  constructor(
    /** The 5.0 reason code that describes the failure (DISCONNECT or CONNACK). */
    readonly reasonCode: number,
    message: string,
  ) {
    super(`${reasonName(reasonCode)}: ${message}`);
  }
}

export function malformed(message: string): MqttError {
  return new MqttError(ReasonCode.MalformedPacket, message);
}

export function protocolError(message: string): MqttError {
  return new MqttError(ReasonCode.ProtocolError, message);
}
