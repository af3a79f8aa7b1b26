// Expressions back to SQL text, the way ksqlDB prints them in error messages, generated column
// names and EXPLAIN: binary operations and predicates parenthesised, names upper-case unless they
// need backquotes, functions by their upper-case name.

import type { Expression, LiteralValue, TypeAst } from './ast.js';
import { isReserved } from './keywords.js';

/** A name as written back: bare when it is a plain upper-case identifier, else backquoted. */
export function formatIdentifier(name: string): string {
  if (/^[A-Z_][A-Z0-9_@]*$/.test(name) && !isReserved(name)) return name;
  return '`' + name.replace(/`/g, '``') + '`';
}

export function formatLiteral(l: LiteralValue): string {
  switch (l.type) {
    case 'NULL':
      return 'null';
    case 'BOOLEAN':
      return l.value ? 'true' : 'false';
    case 'STRING':
      return `'${l.value.replace(/'/g, "''")}'`;
    default:
      return l.text;
  }
}

export function formatTypeAst(t: TypeAst): string {
  switch (t.kind) {
    case 'primitive':
      return t.name;
    case 'decimal':
      return `DECIMAL(${t.precision}, ${t.scale})`;
    case 'array':
      return `ARRAY<${formatTypeAst(t.element)}>`;
    case 'map':
      return `MAP<${formatTypeAst(t.key)}, ${formatTypeAst(t.value)}>`;
    case 'struct':
      return `STRUCT<${t.fields.map((f) => `${formatIdentifier(f.name)} ${formatTypeAst(f.type)}`).join(', ')}>`;
    case 'custom':
      return t.name;
  }
}

const COMPARE_TEXT: Record<string, string> = { '=': '=', '<>': '<>', '<': '<', '<=': '<=', '>': '>', '>=': '>=' };

export function formatExpression(e: Expression): string {
  switch (e.kind) {
    case 'literal':
      return formatLiteral(e.literal);
    case 'column':
      return e.source === undefined ? formatIdentifier(e.name) : `${formatIdentifier(e.source)}.${formatIdentifier(e.name)}`;
    case 'deref':
      return `${formatExpression(e.base)}->${formatIdentifier(e.field)}`;
    case 'subscript':
      return `${formatExpression(e.base)}[${formatExpression(e.index)}]`;
    case 'call':
      return `${e.name.toUpperCase()}(${e.star ? '*' : e.args.map(formatExpression).join(', ')})`;
    case 'lambda':
      return e.params.length === 1 ? `${e.params[0]} => ${formatExpression(e.body)}` : `(${e.params.join(', ')}) => ${formatExpression(e.body)}`;
    case 'timeUnit':
      return e.unit;
    case 'negate':
      return `-${formatExpression(e.operand)}`;
    case 'arithmetic':
      return `(${formatExpression(e.left)} ${e.op} ${formatExpression(e.right)})`;
    case 'concat':
      return `(${formatExpression(e.left)} || ${formatExpression(e.right)})`;
    case 'compare':
      return `(${formatExpression(e.left)} ${COMPARE_TEXT[e.op]} ${formatExpression(e.right)})`;
    case 'and':
    case 'or':
      return `(${formatExpression(e.left)} ${e.kind.toUpperCase()} ${formatExpression(e.right)})`;
    case 'not':
      return `(NOT ${formatExpression(e.operand)})`;
    case 'isNull':
      return `(${formatExpression(e.operand)} IS ${e.negated ? 'NOT ' : ''}NULL)`;
    case 'distinctFrom':
      return `(${formatExpression(e.left)} IS ${e.negated ? 'NOT ' : ''}DISTINCT FROM ${formatExpression(e.right)})`;
    case 'between':
      return `(${formatExpression(e.value)} ${e.negated ? 'NOT ' : ''}BETWEEN ${formatExpression(e.low)} AND ${formatExpression(e.high)})`;
    case 'in':
      return `(${formatExpression(e.value)} ${e.negated ? 'NOT ' : ''}IN (${e.list.map(formatExpression).join(', ')}))`;
    case 'like':
      return `(${formatExpression(e.value)} ${e.negated ? 'NOT ' : ''}LIKE ${formatExpression(e.pattern)}${e.escape !== undefined ? ` ESCAPE '${e.escape}'` : ''})`;
    case 'case': {
      const whens = e.whens.map((w) => `WHEN ${formatExpression(w.when)} THEN ${formatExpression(w.then)}`).join(' ');
      const operand = e.operand ? `${formatExpression(e.operand)} ` : '';
      const otherwise = e.otherwise ? ` ELSE ${formatExpression(e.otherwise)}` : '';
      return `(CASE ${operand}${whens}${otherwise} END)`;
    }
    case 'cast':
      return `CAST(${formatExpression(e.operand)} AS ${formatTypeAst(e.type)})`;
    case 'arrayCtor':
      return `ARRAY[${e.items.map(formatExpression).join(', ')}]`;
    case 'mapCtor':
      return `MAP(${e.entries.map((x) => `${formatExpression(x.key)}:=${formatExpression(x.value)}`).join(', ')})`;
    case 'structCtor':
      return `STRUCT(${e.fields.map((f) => `${formatIdentifier(f.name)}:=${formatExpression(f.value)}`).join(', ')})`;
    case 'typedLiteral':
      return `${e.typeName} '${e.text.replace(/'/g, "''")}'`;
    case 'atTimeZone':
      return `${formatExpression(e.value)} AT TIME ZONE '${e.zone}'`;
  }
}
