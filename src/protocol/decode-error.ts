// The one error type every decoder in src/protocol throws. Callers (the broker's connection
// layer, the storage recovery scan) catch exactly this: anything else escaping a decoder is a bug.

export type DecodeErrorKind =
  | 'truncated' // fewer bytes remain than a field needs
  | 'bad-length' // a length or count that is negative where not nullable, or larger than the bytes left
  | 'bad-varint' // a varint longer than its type allows
  | 'bad-value' // a value outside its domain (unknown magic, bad enum, invalid UTF-8 where checked)
  | 'too-large' // a size over a configured cap (frame size, decompressed size, record count)
  | 'unsupported'; // a version or format we do not decode

export class DecodeError extends Error {
  override readonly name = 'DecodeError';
  constructor(
    readonly kind: DecodeErrorKind,
    message: string,
    /** Byte position in the input where decoding failed, when known. */
    readonly position = -1,
  ) {
    super(position >= 0 ? `${message} (at byte ${position})` : message);
  }
}
