// A Kafka error raised inside a group operation (Kafka's ApiException subclasses): the operation is
// abandoned, nothing it computed is applied, and the request is answered with the code and message.
export class GroupError extends Error {
  constructor(
    readonly errorCode: number,
    message: string,
  ) {
    super(message);
  }
}

export function groupErrorOf(e: unknown): GroupError | null {
  return e instanceof GroupError ? e : null;
}
