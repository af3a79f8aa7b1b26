// A minimal structured logger shared by storage and the broker. Each line is one JSON object
// ({ time, level, msg, ...fields }) so operators can grep or ship it; the sink is injectable so
// tests capture lines instead of printing them. Loggers are cheap to derive with `child()`,
// which adds fixed fields (e.g. { topic, partition }) to every line.

export type LogLevel = 'debug' | 'info' | 'warn' | 'error';

export type LogFields = Record<string, string | number | boolean | null | undefined>;

export interface Logger {
  debug(msg: string, fields?: LogFields): void;
  info(msg: string, fields?: LogFields): void;
  warn(msg: string, fields?: LogFields): void;
  error(msg: string, fields?: LogFields): void;
  /** Whether lines of `level` are written: callers skip building the fields of lines nobody reads. */
  enabled(level: LogLevel): boolean;
  /** A logger that adds `fields` to every line. */
  child(fields: LogFields): Logger;
}

/** One emitted line, as handed to a sink. */
export interface LogRecord {
  time: number;
  level: LogLevel;
  msg: string;
  fields: LogFields;
}

export type LogSink = (record: LogRecord) => void;

const levelRank: Record<LogLevel, number> = { debug: 10, info: 20, warn: 30, error: 40 };

/** Writes JSON lines to stderr. */
export const stderrSink: LogSink = (r) => {
  process.stderr.write(JSON.stringify({ time: new Date(r.time).toISOString(), level: r.level, msg: r.msg, ...r.fields }) + '\n');
};

export interface LoggerOptions {
  level?: LogLevel;
  sink?: LogSink;
  fields?: LogFields;
  now?: () => number;
}

export function createLogger(options: LoggerOptions = {}): Logger {
  const min = levelRank[options.level ?? 'info'];
  const sink = options.sink ?? stderrSink;
  const now = options.now ?? Date.now;
  const base = options.fields ?? {};
  const emit = (level: LogLevel, msg: string, fields?: LogFields): void => {
    if (levelRank[level] < min) return;
    sink({ time: now(), level, msg, fields: fields ? { ...base, ...fields } : base });
  };
  return {
    debug: (m, f) => emit('debug', m, f),
    info: (m, f) => emit('info', m, f),
    warn: (m, f) => emit('warn', m, f),
    error: (m, f) => emit('error', m, f),
    enabled: (level) => levelRank[level] >= min,
    child: (fields) => createLogger({ ...options, fields: { ...base, ...fields } }),
  };
}

/** A logger that drops everything (the default where none is injected). */
export const silentLogger: Logger = createLogger({ sink: () => {} });

/** A logger that keeps every line in memory, for tests. */
export function memoryLogger(level: LogLevel = 'debug'): { logger: Logger; records: LogRecord[] } {
  const records: LogRecord[] = [];
  return { logger: createLogger({ level, sink: (r) => records.push(r) }), records };
}
