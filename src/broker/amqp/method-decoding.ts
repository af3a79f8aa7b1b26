// Method frames decoded into the errors RabbitMQ answers with, and errors tagged with the method
// that raised them (connection.close / channel.close carry its class and method ids).
import { AmqpDecodeError, decodeMethodPayload, methodIdsOf, type AmqpMethod } from '../../amqp/index.js';
import { AmqpError, Reply } from './errors.js';

/** Decodes a method frame's payload; an unknown method is 540 NOT_IMPLEMENTED, bad arguments 501 FRAME_ERROR. */
export function decodeMethod(payload: Buffer): AmqpMethod {
  try {
    return decodeMethodPayload(payload);
  } catch (e) {
    const ids = methodIdsOf(payload);
    if (e instanceof AmqpDecodeError && e.kind === 'unknown-method') throw Object.assign(Reply.notImplemented(`unknown method ${ids.classId}/${ids.methodId}`), ids);
    // RabbitMQ answers undecodable arguments with FRAME_ERROR "cannot decode <<...>>".
    const args = payload.subarray(4, 36);
    throw Object.assign(Reply.frameError(`cannot decode <<${[...args].join(',')}>>`), ids);
  }
}

/** Rethrows e, naming the method in payload when the error does not name one yet. */
export function rethrowWithMethod(e: unknown, payload: Buffer): never {
  if (e instanceof AmqpError && e.classId === 0) {
    const ids = methodIdsOf(payload);
    e.classId = ids.classId;
    e.methodId = ids.methodId;
  }
  throw e;
}
