// The errors of brook/sql, with ksqlDB's REST error codes (HTTP status * 100 + n) so the REST layer,
// the shell and embedding programs all report the same code for the same failure. Messages follow
// ksqlDB's wording where users (and client code matching on them) have come to rely on it.

export const ErrorCode = {
  BAD_REQUEST: 40000,
  /** The statement is invalid: syntax, unknown names, types, semantics. */
  BAD_STATEMENT: 40001,
  /** A SELECT (or PRINT) sent to /ksql: it belongs on /query or /query-stream. */
  QUERY_ENDPOINT: 40002,
  NOT_FOUND: 40400,
  /** Waiting for the command topic to reach a sequence number timed out. */
  COMMAND_QUEUE_CATCHUP_TIMEOUT: 40801,
  SERVER_ERROR: 50000,
  SERVER_NOT_READY: 50301,
} as const;

export type ErrorCodeValue = (typeof ErrorCode)[keyof typeof ErrorCode];

/** A position in statement text: line from 1, column from 1 (as ksqlDB reports them). */
export interface SourcePosition {
  readonly line: number;
  readonly column: number;
}

export class SqlError extends Error {
  override readonly name: string = 'SqlError';
  constructor(
    message: string,
    readonly code: ErrorCodeValue = ErrorCode.BAD_STATEMENT,
    options?: { cause?: unknown },
  ) {
    super(message, options);
  }
}

/** A statement that does not parse. The message starts with `line L:C: ` as ksqlDB's ParsingException does. */
export class SqlParseError extends SqlError {
  override readonly name = 'SqlParseError';
  constructor(
    detail: string,
    readonly position: SourcePosition,
  ) {
    super(`line ${position.line}:${position.column}: ${detail}`, ErrorCode.BAD_STATEMENT);
  }
}

/** Thrown by expression evaluation; the engine turns it into a null result and a processing-log entry, as ksqlDB does. */
export class SqlEvaluationError extends Error {
  override readonly name = 'SqlEvaluationError';
}

export function messageOf(e: unknown): string {
  return e instanceof Error ? e.message : String(e);
}
