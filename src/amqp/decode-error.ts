// The one error type every AMQP 0-9-1 decoder throws. The server's connection layer catches exactly
// this and closes the connection with the reply code the kind maps to (frame errors 501, syntax
// errors 502, unknown methods 540 -- RabbitMQ's rabbit_reader/rabbit_binary_parser choices);
// anything else escaping a decoder is a bug.

export type AmqpDecodeErrorKind =
  | 'truncated' // fewer bytes remain than a field needs
  | 'bad-length' // a length larger than the bytes left, or a frame-end octet missing
  | 'bad-value' // a value outside its domain (unknown field-table type, property flags past the list)
  | 'too-large' // a frame or nesting depth over a cap
  | 'unknown-method'; // a class/method id pair the specification does not define

export class AmqpDecodeError extends Error {
  override readonly name = 'AmqpDecodeError';
  constructor(
    readonly kind: AmqpDecodeErrorKind,
    message: string,
    /** Byte position in the input where decoding failed, when known. */
    readonly position = -1,
  ) {
    super(position >= 0 ? `${message} (at byte ${position})` : message);
  }
}
