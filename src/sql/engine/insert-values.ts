// INSERT INTO ... VALUES (insert-values.md): one record built from literal expressions, written
// with the target's key and value formats. Columns default to every key and value column in
// schema order; a missing column is NULL; ROWTIME sets the record timestamp.

import { createProducer, type ClientOptions } from '../../client/index.js';
import { ExpressionAnalyzer } from '../analyzer/expression-analyzer.js';
import { coerceLiteral } from '../analyzer/literal-coercion.js';
import { keyColumns, type Column, type DataSource } from '../catalog/data-source.js';
import type { MetaStore } from '../catalog/metastore.js';
import { compileExpression } from '../compile/expression-compiler.js';
import { SqlError } from '../errors.js';
import type { FunctionRegistry } from '../functions/registry.js';
import type { Statement } from '../parser/ast.js';
import { RowLayout } from '../planner/row-layout.js';
import { sourceKeySerde, valueSerde } from '../planner/serdes.js';
import { castConverter } from '../types/cast.js';
import { canCoerce } from '../types/coercion.js';
import { formatType, typesEqual } from '../types/sql-type.js';

type InsertValues = Extract<Statement, { kind: 'insertValues' }>;

export async function insertValues(client: ClientOptions, registry: FunctionRegistry, metastore: MetaStore, target: DataSource, stmt: InsertValues): Promise<void> {
  if (target.isSource) throw new SqlError(`Cannot insert values into read-only ${target.type.toLowerCase()}: ${target.name}`);
  if (target.window) throw new SqlError(`Cannot insert values into windowed ${target.type.toLowerCase()}: ${target.name}`);
  const writable = target.columns.filter((c) => c.kind !== 'HEADERS');
  const names = stmt.columns ?? writable.map((c) => c.name);
  if (names.length !== stmt.values.length) {
    throw new SqlError(`Expected a value for each column. Expected Columns: [${names.join(', ')}]. Got ${stmt.values.map(() => '?').join(', ')}`);
  }
  const empty = new RowLayout([], []);
  const analyzer = new ExpressionAnalyzer({
    registry,
    resolveType: (n) => metastore.type(n),
    resolveColumn: (_s, n) => {
      throw new SqlError(`Column name ${n} cannot be used in VALUES: only literals and functions of literals are allowed.`);
    },
  });
  const values = new Map<string, unknown>();
  let timestamp: number | undefined;
  names.forEach((name, i) => {
    const written = stmt.values[i]!;
    if (name === 'ROWTIME') {
      const e = analyzer.analyze(written);
      const v = compileExpression(e, empty)([]);
      timestamp = v === null ? undefined : Number(v);
      return;
    }
    const col: Column | undefined = writable.find((c) => c.name === name);
    if (!col) throw new SqlError(`Column name ${name} does not exist.`);
    let e = analyzer.analyze(written);
    if (!typesEqual(e.type, col.type)) {
      const lit = coerceLiteral(e, col.type);
      if (lit) e = lit;
      else if (e.type.base === 'NULL' || canCoerce(e.type, col.type)) {
        const conv = castConverter(e.type, col.type);
        if (!conv) throw new SqlError(`Expected type ${formatType(col.type)} for field ${name} but got ${formatType(e.type)}`);
        values.set(name, conv(compileExpression(e, empty)([])));
      } else {
        throw new SqlError(`Expected type ${formatType(col.type)} for field ${name} but got ${written.kind === 'literal' ? 'a literal' : 'an expression'} of type ${formatType(e.type)}`);
      }
    }
    if (!values.has(name)) values.set(name, compileExpression(e, empty)([]));
  });
  const row = writable.map((c) => values.get(c.name) ?? null);
  const layout = new RowLayout(
    writable.map((c) => c.name),
    writable.map((c) => c.type),
  );
  const keys = keyColumns(target);
  const key = keys.length === 0 ? null : keys.length === 1 ? row[layout.slotIndex(keys[0]!.name)] : keys.map((k) => row[layout.slotIndex(k.name)]);
  const kSerde = sourceKeySerde(target);
  const vSerde = valueSerde(target.columns, target.valueFormat, (c) => layout.slotIndex(c.name), layout.length);
  const producer = createProducer(client, { acks: -1 });
  try {
    await producer.send({
      messages: [
        {
          topic: target.topic,
          key: key === null ? undefined : kSerde.serialize(key),
          value: vSerde.serialize(row),
          ...(timestamp !== undefined ? { timestamp: BigInt(timestamp) } : {}),
        },
      ],
    });
  } finally {
    await new Promise<void>((resolve) => producer.close(() => resolve()));
  }
}
