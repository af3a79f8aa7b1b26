// The AMQP 0-9-1 codec: frames, methods (generated from the specification), field tables and
// content properties. Bytes in, values out: no sockets, files or timers.
export { amqpResourceName, amqpVhostPrefix, type AmqpResource } from './acl-resource.js';
export { AmqpDecodeError } from './decode-error.js';
export type { AmqpDecodeErrorKind } from './decode-error.js';
export * from './field-table.js';
export * from './frames.js';
export * from './delivery-frames.js';
export * from './properties.js';
export { AmqpReader, AmqpWriter } from './primitives.js';
export { AmqpConstant, HARD_ERROR_CODES, METHOD_INFO, PROTOCOL_VERSION, decodeMethod, methodName } from './generated/spec.js';
export type * from './generated/spec.js';
