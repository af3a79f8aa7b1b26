// AMQP errors as the server raises them: a reply code, RabbitMQ's text form
// ("NOT_FOUND - no queue 'q' in vhost '/'"), and the method that caused it. Codes the
// specification classes as hard errors close the connection (connection.close); the others close
// only the channel (channel.close) -- the split rabbit_channel/rabbit_reader make.
import { AmqpConstant, HARD_ERROR_CODES } from '../../amqp/index.js';

const NAMES = new Map<number, string>(Object.entries(AmqpConstant).map(([name, code]) => [code, name]));

export class AmqpError extends Error {
  override readonly name = 'AmqpError';
  /** The reply text: the code's name, a dash, the explanation. */
  readonly replyText: string;
  constructor(
    readonly replyCode: number,
    explanation: string,
    public classId = 0,
    public methodId = 0,
  ) {
    const text = `${NAMES.get(replyCode) ?? String(replyCode)} - ${explanation}`;
    super(text);
    this.replyText = text.length > 255 ? text.slice(0, 255) : text;
  }

  get hard(): boolean {
    return HARD_ERROR_CODES.has(this.replyCode);
  }
}

export const Reply = {
  notFound: (what: string) => new AmqpError(AmqpConstant.NOT_FOUND, what),
  preconditionFailed: (what: string) => new AmqpError(AmqpConstant.PRECONDITION_FAILED, what),
  accessRefused: (what: string) => new AmqpError(AmqpConstant.ACCESS_REFUSED, what),
  resourceLocked: (what: string) => new AmqpError(AmqpConstant.RESOURCE_LOCKED, what),
  commandInvalid: (what: string) => new AmqpError(AmqpConstant.COMMAND_INVALID, what),
  notImplemented: (what: string) => new AmqpError(AmqpConstant.NOT_IMPLEMENTED, what),
  notAllowed: (what: string) => new AmqpError(AmqpConstant.NOT_ALLOWED, what),
  channelError: (what: string) => new AmqpError(AmqpConstant.CHANNEL_ERROR, what),
  unexpectedFrame: (what: string) => new AmqpError(AmqpConstant.UNEXPECTED_FRAME, what),
  frameError: (what: string) => new AmqpError(AmqpConstant.FRAME_ERROR, what),
  syntaxError: (what: string) => new AmqpError(AmqpConstant.SYNTAX_ERROR, what),
  internalError: (what: string) => new AmqpError(AmqpConstant.INTERNAL_ERROR, what),
  resourceError: (what: string) => new AmqpError(AmqpConstant.RESOURCE_ERROR, what),
};

/** RabbitMQ's way of naming a resource in error texts: "queue 'q' in vhost '/'". */
/** Names the method an error answers (channel.close / connection.close carry it). */
export function withMethod(e: AmqpError, classId: number, methodId: number): AmqpError {
  e.classId = classId;
  e.methodId = methodId;
  return e;
}

export function rname(kind: 'queue' | 'exchange', name: string, vhost: string): string {
  return `${kind} '${name}' in vhost '${vhost}'`;
}
