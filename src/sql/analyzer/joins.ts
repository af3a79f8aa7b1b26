// JOIN clauses (joins/join-streams-and-tables.md): each ON must be one equality whose sides each
// reference one side of the join; a table on the right is joined on its PRIMARY KEY (a non-key
// column of a left table makes a foreign-key join); streams join streams only WITHIN a window;
// tables never join to a stream on their left. Errors carry ksqlDB's wording.

import { keyColumns } from '../catalog/data-source.js';
import { SqlError } from '../errors.js';
import type { Expression, JoinClause, JoinType } from '../parser/ast.js';
import { formatExpression } from '../parser/formatter.js';
import { formatType, typesEqual } from '../types/sql-type.js';
import type { AnalyzedJoin, JoinKind } from './analyzed-query.js';
import type { ExpressionAnalyzer } from './expression-analyzer.js';
import type { QueryScope, SourceBinding } from './scope.js';
import { slotsOf, type TypedExpr } from './typed-expr.js';

function typeText(t: JoinType, right: boolean): string {
  switch (t) {
    case 'INNER':
      return '[INNER] JOIN';
    case 'LEFT':
      return 'LEFT [OUTER] JOIN';
    case 'RIGHT':
      return 'RIGHT [OUTER] JOIN';
    case 'FULL':
      return right ? '[FULL] OUTER JOIN' : 'FULL [OUTER] JOIN';
  }
}

/** Which bindings an expression's slots belong to. */
function aliasesOf(e: TypedExpr): Set<string> {
  const out = new Set<string>();
  for (const s of slotsOf(e)) out.add(s.slice(0, s.lastIndexOf('.')));
  return out;
}

function isPrimaryKeyRef(e: TypedExpr, b: SourceBinding): boolean {
  const keys = keyColumns(b.source);
  return keys.length === 1 && e.op === 'slot' && e.slot === `${b.alias}.${keys[0]!.name}`;
}

function columnName(e: Expression): string | undefined {
  if (e.kind === 'column') return e.name;
  if (e.kind === 'deref') return e.field;
  return undefined;
}

export interface JoinAnalysisInput {
  readonly scope: QueryScope;
  readonly analyzer: (clause: string) => ExpressionAnalyzer;
  readonly bindings: readonly SourceBinding[];
  readonly clauses: readonly JoinClause[];
}

export function analyzeJoins(input: JoinAnalysisInput): AnalyzedJoin[] {
  const out: AnalyzedJoin[] = [];
  const { bindings, clauses } = input;
  let leftIsStream = bindings[0]!.source.type === 'STREAM';
  const an = input.analyzer('JOIN ON');
  const usedNames = new Set(input.scope.allSlots().map((s) => s.name));
  for (let i = 0; i < clauses.length; i++) {
    const c = clauses[i]!;
    const right = bindings[i + 1]!;
    const leftAliases = new Set(bindings.slice(0, i + 1).map((b) => b.alias));
    const on = c.on;
    const text = formatExpression(on);
    if (on.kind !== 'compare' || on.op !== '=') {
      if (on.kind === 'and') throw new SqlError(`Invalid join condition: joins on multiple conditions are not yet supported. Got ${text}.`);
      throw new SqlError(`Unsupported join expression: ${text}. Join criteria must be an equality of two expressions.`);
    }
    let l = an.analyze(on.left);
    let r = an.analyze(on.right);
    let le = on.left;
    let re = on.right;
    const check = (e: TypedExpr, written: Expression): Set<string> => {
      const a = aliasesOf(e);
      if (a.size === 0 || (a.size > 1 && [...a].some((x) => x === right.alias))) {
        throw new SqlError(`Invalid comparison expression '${formatExpression(written)}' in join '${text}'. Each side of the join comparision must contain references from exactly one source.`);
      }
      return a;
    };
    const la = check(l, le);
    const ra = check(r, re);
    if (la.has(right.alias) && [...ra].every((x) => leftAliases.has(x))) {
      [l, r] = [r, l];
      [le, re] = [re, le];
    } else if (!(ra.has(right.alias) && [...la].every((x) => leftAliases.has(x)))) {
      throw new SqlError(`Invalid comparison expression '${formatExpression(on.left)}' in join '${text}'. Each side of the join comparision must contain references from exactly one source.`);
    }
    const rightIsStream = right.source.type === 'STREAM';
    const leftName = i === 0 ? bindings[0]!.source.name : 'the joined result';
    let kind: JoinKind;
    if (leftIsStream && rightIsStream) kind = 'stream-stream';
    else if (leftIsStream) kind = 'stream-table';
    else if (rightIsStream) {
      throw new SqlError(`Invalid join order: table-stream joins are not supported; only stream-table joins. Got ${leftName} ${typeText(c.type, false)} ${right.source.name}.`);
    } else kind = 'table-table';
    const joinText = `${formatExpression(le)} = ${formatExpression(re)}`;
    if (kind === 'stream-stream' && !c.within) {
      throw new SqlError(
        'Stream-Stream joins must have a WITHIN clause specified. None was provided. To learn about how to specify a WITHIN clause with a stream-stream join, please visit: https://docs.confluent.io/current/ksql/docs/syntax-reference.html#create-stream-as-select',
      );
    }
    if (kind !== 'stream-stream' && c.within) {
      throw new SqlError(`A window definition was provided for a Stream-Table join. These joins are not windowed. Please drop the window definition (ie. the WITHIN clause) and try to execute your ${kind === 'stream-table' ? 'Stream-Table' : 'Table-Table'} join again.`);
    }
    if (kind === 'stream-table') {
      if (c.type === 'FULL') throw new SqlError(`Invalid join type: full-outer join not supported for stream-table join. Got ${leftName} ${typeText(c.type, true)} ${right.source.name}.`);
      if (c.type === 'RIGHT') throw new SqlError(`Invalid join type: right join not supported for stream-table join. Got ${leftName} ${typeText(c.type, false)} ${right.source.name}.`);
      if (!isPrimaryKeyRef(r, right)) throw new SqlError(`Invalid join condition: stream-table joins require to join on the table's primary key. Got ${joinText}.`);
    }
    if (kind === 'table-table') {
      if (!isPrimaryKeyRef(r, right)) throw new SqlError(`Invalid join condition: table-table joins require to join on the primary key of the right input table. Got ${joinText}.`);
      const leftTable = bindings[0]!;
      if (i === 0 && !isPrimaryKeyRef(l, leftTable)) {
        if (c.type === 'FULL') throw new SqlError(`Invalid join type: full-outer join not supported for foreign-key table-table join. Got ${leftName} ${typeText(c.type, true)} ${right.source.name}.`);
        if (c.type === 'RIGHT') throw new SqlError(`Invalid join type: right join not supported for foreign-key table-table join. Got ${leftName} ${typeText(c.type, false)} ${right.source.name}.`);
        kind = 'fk-table-table';
      } else if (i > 0 && !(l.op === 'slot' && out[i - 1]!.keySlots.includes(l.slot))) {
        throw new SqlError(`Invalid join condition: foreign-key table-table joins are not supported as part of n-way joins. Got ${joinText}.`);
      }
    }
    if (!typesEqual(l.type, r.type)) {
      throw new SqlError(`Invalid join condition: types don't match. Got ${formatExpression(le)}{${formatType(l.type)}} = ${formatExpression(re)}{${formatType(r.type)}}.`);
    }
    // The result's key: the left expression's column, or a synthetic ROWKEY for FULL OUTER joins
    // and joins on expressions (joins/synthetic-keys.md).
    const ln = columnName(le);
    const rn = columnName(re);
    let keyName: string;
    const keySlots: string[] = [];
    let synthetic = false;
    if (kind === 'fk-table-table') {
      const lk = keyColumns(bindings[0]!.source)[0]!;
      keyName = lk.name;
      keySlots.push(`${bindings[0]!.alias}.${lk.name}`);
    } else if (c.type === 'FULL' || ln === undefined || rn === undefined) {
      let n = 0;
      keyName = 'ROWKEY';
      while (usedNames.has(keyName)) keyName = `ROWKEY_${++n}`;
      usedNames.add(keyName);
      synthetic = true;
    } else {
      keyName = c.type === 'RIGHT' ? rn : ln;
      // In an n-way join on the key, every earlier side's key column still stands for the key.
      const prev = out[i - 1];
      if (prev && !prev.synthetic && l.op === 'slot' && prev.keySlots.includes(l.slot)) keySlots.push(...prev.keySlots);
      for (const e of [l, r]) if (e.op === 'slot' && !keySlots.includes(e.slot)) keySlots.push(e.slot);
    }
    out.push({ type: c.type, kind, right, leftKey: l, rightKey: r, keyType: l.type, within: c.within, text: joinText, keyName, keySlots, synthetic });
    if (!rightIsStream && !leftIsStream) leftIsStream = false;
    else leftIsStream = leftIsStream || rightIsStream;
  }
  return out;
}
