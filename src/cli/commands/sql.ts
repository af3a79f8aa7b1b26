// `brook sql`: the ksqlDB-dialect SQL shell, a client of the ksqlDB REST API that `brook start`
// (and `brook gateway`) serve on the HTTP port, as ksqlDB's own CLI is a client of its server.
//   brook sql                         interactive: multi-line statements end with ';', history,
//                                     tables for listings, rows of queries as they arrive
//                                     (Ctrl+C ends a push query, a second Ctrl+C the shell)
//   brook sql -f script.sql           run a script and exit (non-zero on the first failure)
//   brook sql -e "SHOW STREAMS;"      run statements and exit
// RUN SCRIPT 'file.sql' inside the shell runs a file's statements. SET 'name'='value' sets a
// property sent with later statements and queries (e.g. 'auto.offset.reset'='earliest').
import type { Command } from 'commander';
import { readFileSync } from 'node:fs';
import { createInterface } from 'node:readline';
import { isComplete, splitStatements } from '../../sql/parser/index.js';
import { renderTable } from '../format/table.js';
import { styleFor } from '../format/style.js';
import { fail } from './client-command.js';

interface SqlFlags {
  server?: string;
  file?: string;
  execute?: string;
}

type Entity = Record<string, unknown>;

class ShellError extends Error {}

export function registerSql(program: Command): void {
  program
    .command('sql')
    .description('The streaming SQL shell (ksqlDB dialect) against the HTTP port of `brook start` or `brook gateway`.')
    .option('--server <url>', 'the gateway to talk to [env BROOK_SQL_SERVER] (default: "http://127.0.0.1:8080")')
    .option('-f, --file <file>', 'run the statements of a file and exit')
    .option('-e, --execute <statements>', 'run these statements and exit')
    .addHelpText('after', "\nExamples:\n  brook sql\n  brook sql -f pipeline.sql\n  brook sql -e \"SHOW STREAMS;\"\n")
    .action(async (flags: SqlFlags) => process.exit(await runSql(flags)));
}

async function runSql(flags: SqlFlags): Promise<number> {
  const server = (flags.server ?? (process.env.BROOK_SQL_SERVER || 'http://127.0.0.1:8080')).replace(/\/+$/, '');
  const shell = new Shell(server);
  try {
    if (flags.file !== undefined || flags.execute !== undefined) {
      const script = flags.file !== undefined ? readFileSync(flags.file, 'utf8') : flags.execute!;
      await shell.runScript(script);
      return 0;
    }
    await shell.interactive();
    return 0;
  } catch (e) {
    fail('sql', e instanceof Error ? e.message : String(e));
    return 1;
  }
}

class Shell {
  private readonly properties: Record<string, string> = {};
  private readonly style = styleFor(process.stdout);
  private current: AbortController | undefined;

  constructor(private readonly server: string) {}

  async runScript(script: string): Promise<void> {
    for (const statement of splitStatements(script)) await this.runOne(statement);
  }

  private async runOne(statement: string): Promise<void> {
    const text = statement.trim();
    if (text === '') return;
    const runScript = /^RUN\s+SCRIPT\s+'((?:[^']|'')*)'\s*;?$/i.exec(text);
    if (runScript) return this.runScript(readFileSync(runScript[1]!.replace(/''/g, "'"), 'utf8'));
    const set = /^SET\s+'((?:[^']|'')*)'\s*=\s*'((?:[^']|'')*)'\s*;?$/i.exec(text);
    if (set) {
      this.properties[set[1]!] = set[2]!;
      process.stdout.write(`Successfully changed local property '${set[1]}' to '${set[2]}'.\n`);
      return;
    }
    const unset = /^UNSET\s+'((?:[^']|'')*)'\s*;?$/i.exec(text);
    if (unset) {
      delete this.properties[unset[1]!];
      process.stdout.write(`Successfully unset local property '${unset[1]}'.\n`);
      return;
    }
    if (/^SELECT\b/i.test(text)) return this.query(text);
    const response = await fetch(`${this.server}/ksql`, {
      method: 'POST',
      headers: { 'content-type': 'application/vnd.ksql.v1+json', accept: 'application/vnd.ksql.v1+json' },
      body: JSON.stringify({ ksql: text, streamsProperties: this.properties }),
    }).catch((e: unknown) => {
      throw new ShellError(`cannot reach ${this.server}: ${e instanceof Error ? e.message : String(e)} (is \`brook start\` running?)`);
    });
    const body = (await response.json().catch(() => undefined)) as unknown;
    if (!response.ok) throw new ShellError(errorText(body, response.status));
    for (const entity of (body as Entity[]) ?? []) process.stdout.write(this.render(entity));
  }

  private async query(sql: string): Promise<void> {
    const abort = new AbortController();
    this.current = abort;
    try {
      const response = await fetch(`${this.server}/query-stream`, {
        method: 'POST',
        headers: { 'content-type': 'application/json', accept: 'application/vnd.ksqlapi.delimited.v1' },
        body: JSON.stringify({ sql, properties: this.properties }),
        signal: abort.signal,
      });
      if (!response.ok) throw new ShellError(errorText(await response.json().catch(() => undefined), response.status));
      const decoder = new TextDecoder();
      let pending = '';
      let header: { columnNames: string[] } | undefined;
      const rows: unknown[][] = [];
      const push = /\bEMIT\s+(CHANGES|FINAL)\b/i.test(sql);
      const line = (l: string): void => {
        if (l.trim() === '') return;
        const v = JSON.parse(l) as unknown;
        if (!header) {
          header = v as { columnNames: string[] };
          if (push) process.stdout.write(header.columnNames.join(' | ') + '\n');
          return;
        }
        if (!Array.isArray(v)) throw new ShellError(errorText(v, 500));
        if (push) process.stdout.write(v.map(cell).join(' | ') + '\n');
        else rows.push(v);
      };
      try {
        for await (const chunk of response.body as unknown as AsyncIterable<Uint8Array>) {
          pending += decoder.decode(chunk, { stream: true });
          const lines = pending.split('\n');
          pending = lines.pop()!;
          lines.forEach(line);
        }
        line(pending);
      } catch (e) {
        if (!abort.signal.aborted) throw e;
      }
      if (!push && header) {
        process.stdout.write(renderTable(header.columnNames, rows.map((r) => r.map(cell)), this.style) + '\n');
        process.stdout.write(`Query terminated\n`);
      }
    } catch (e) {
      if (abort.signal.aborted) return;
      if (e instanceof ShellError) throw e;
      throw new ShellError(`cannot reach ${this.server}: ${e instanceof Error ? e.message : String(e)}`);
    } finally {
      this.current = undefined;
    }
  }

  private render(e: Entity): string {
    switch (e['@type']) {
      case 'currentStatus': {
        const s = e.commandStatus as Entity;
        return `${String(s.message)}\n`;
      }
      case 'streams':
      case 'tables': {
        const list = (e.streams ?? e.tables) as Entity[];
        const title = e['@type'] === 'streams' ? 'Stream Name' : 'Table Name';
        return renderTable([title, 'Kafka Topic', 'Key Format', 'Value Format', 'Windowed'], list.map((s) => [String(s.name), String(s.topic), String(s.keyFormat), String(s.valueFormat), String(s.isWindowed)]), this.style) + '\n';
      }
      case 'kafka_topics':
        return renderTable(['Kafka Topic', 'Partitions', 'Partition Replicas'], (e.topics as Entity[]).map((t) => [String(t.name), String((t.replicaInfo as number[]).length), (t.replicaInfo as number[]).join(' ')]), this.style) + '\n';
      case 'queries':
        return renderTable(['Query ID', 'Query Type', 'Status', 'Sink Name', 'Sink Kafka Topic', 'Query String'], (e.queries as Entity[]).map((q) => [String(q.id), String(q.queryType), String(q.state), (q.sinks as string[]).join(','), (q.sinkKafkaTopics as string[]).join(','), String(q.queryString)]), this.style) + '\n';
      case 'sourceDescription': {
        const d = e.sourceDescription as Entity;
        const fields = d.fields as Entity[];
        const head = `Name                 : ${String(d.name)}\nType                 : ${String(d.type)}\nKafka topic          : ${String(d.topic)} (partitions: ${String(d.partitions)})\nKey format           : ${String(d.keyFormat)}\nValue format         : ${String(d.valueFormat)}\n${d.windowType ? `Window type          : ${String(d.windowType)}\n` : ''}\n`;
        return head + renderTable(['Field', 'Type'], fields.map((f) => [String(f.name), `${String((f.schema as Entity).type)}${f.type === 'KEY' ? (d.type === 'TABLE' ? '  (primary key)' : '  (key)') : ''}`]), this.style) + '\n';
      }
      default:
        return JSON.stringify(e, null, 2) + '\n';
    }
  }

  async interactive(): Promise<void> {
    const rl = createInterface({ input: process.stdin, output: process.stdout, historySize: 500, prompt: 'brook> ' });
    let buffer = '';
    let interrupts = 0;
    rl.on('SIGINT', () => {
      if (this.current) {
        this.current.abort();
        return;
      }
      if (buffer !== '') {
        buffer = '';
        process.stdout.write('\n');
        rl.setPrompt('brook> ');
        rl.prompt();
        return;
      }
      if (++interrupts >= 2) rl.close();
      else {
        process.stdout.write('\n(Ctrl+C again or "exit" to leave)\n');
        rl.prompt();
      }
    });
    process.stdout.write(`Brook SQL shell (ksqlDB dialect) on ${this.server}. End statements with ';'; "exit" leaves.\n`);
    rl.prompt();
    for await (const input of rl) {
      interrupts = 0;
      if (buffer === '' && /^\s*(exit|quit)\s*;?\s*$/i.test(input)) break;
      buffer += (buffer === '' ? '' : '\n') + input;
      if (!isComplete(buffer)) {
        rl.setPrompt(buffer.trim() === '' ? 'brook> ' : '  ...> ');
        if (buffer.trim() === '') buffer = '';
        rl.prompt();
        continue;
      }
      const script = buffer;
      buffer = '';
      rl.pause();
      try {
        await this.runScript(script);
      } catch (e) {
        process.stdout.write(`${e instanceof Error ? e.message : String(e)}\n`);
      }
      rl.resume();
      rl.setPrompt('brook> ');
      rl.prompt();
    }
    rl.close();
  }
}

function cell(v: unknown): string {
  return v === null || v === undefined ? 'null' : typeof v === 'object' ? JSON.stringify(v) : String(v);
}

function errorText(body: unknown, status: number): string {
  const b = body as { message?: unknown; error_code?: unknown } | undefined;
  return typeof b?.message === 'string' ? b.message : `HTTP ${status}`;
}
