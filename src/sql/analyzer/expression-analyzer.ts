// Type-checks an expression against a scope and resolves it into a TypedExpr: names to slots,
// operators and functions to evaluators, implicit coercions to explicit conversions. Error
// messages follow ksqlDB's ("Cannot compare X (INTEGER) to 'a' (STRING) with EQUAL.",
// "Can't find any functions with the name 'F'", "Column 'X' cannot be resolved.").

import { SqlError } from '../errors.js';
import type { FunctionRegistry } from '../functions/registry.js';
import { resolveScalar } from '../functions/registry.js';
import type { ComparisonOp, Expression, TypeAst } from '../parser/ast.js';
import { formatExpression } from '../parser/formatter.js';
import { castConverter } from '../types/cast.js';
import { canCoerce, commonType } from '../types/coercion.js';
import { asDecimalType, literalDecimalType, parseDecimal } from '../types/decimal.js';
import { array, BOOLEAN, DOUBLE, formatType, INTEGER, isNumeric, map, NULL_TYPE, STRING, struct, typesEqual, type SqlType } from '../types/sql-type.js';
import { parseDate, parseTime, parseTimestamp } from '../types/temporal.js';
import { newStruct } from '../types/values.js';
import { analyzeLambdaCall, LAMBDA_FUNCTIONS } from './lambda-calls.js';
import { coerceLiteral, isLiteral } from './literal-coercion.js';
import { arithmeticImpl, arithmeticType, comparable, comparisonImpl, COMPARISON_NAMES, concatImpl, negateImpl } from './operators.js';
import type { Impl, TypedExpr } from './typed-expr.js';

export interface ResolvedColumn {
  readonly slot: string;
  readonly type: SqlType;
}

export interface ExpressionContext {
  readonly registry: FunctionRegistry;
  /** Resolve a column reference or throw ksqlDB's error. */
  resolveColumn(source: string | undefined, name: string): ResolvedColumn;
  /** Resolve a custom type name (CREATE TYPE). */
  resolveType(name: string): SqlType | undefined;
  /** Aggregate calls: the slot of the result, or undefined where aggregates are not allowed. */
  aggregate?: ((call: Extract<Expression, { kind: 'call' }>) => ResolvedColumn) | undefined;
  /** Whole sub-expressions standing for a slot (GROUP BY expressions after aggregation). */
  substitute?: ((e: Expression) => ResolvedColumn | undefined) | undefined;
  /** Where aggregates are not allowed, the error to raise for one. */
  readonly aggregateError?: string;
}

const NOT_BOOLEAN = (e: Expression, t: SqlType): SqlError => new SqlError(`Type mismatch: expected BOOLEAN but got ${formatType(t)} in ${formatExpression(e)}`);

export class ExpressionAnalyzer {
  private readonly lambdaScopes: Array<Map<string, SqlType>> = [];

  constructor(readonly ctx: ExpressionContext) {}

  analyze(e: Expression): TypedExpr {
    const substituted = this.ctx.substitute?.(e);
    if (substituted) return { op: 'slot', type: substituted.type, slot: substituted.slot };
    switch (e.kind) {
      case 'literal':
        return this.literal(e);
      case 'typedLiteral':
        return this.typedLiteral(e);
      case 'column':
        return this.column(e);
      case 'deref': {
        const base = this.analyze(e.base);
        if (base.type.base !== 'STRUCT') throw new SqlError(`Can't dereference a non-STRUCT expression: ${formatExpression(e.base)} is ${formatType(base.type)}`);
        const field = base.type.fields.find((f) => f.name === e.field) ?? base.type.fields.find((f) => f.name.toUpperCase() === e.field.toUpperCase());
        if (!field) throw new SqlError(`Could not find field '${e.field}' in '${formatExpression(e.base)}'.`);
        const name = field.name;
        return call(field.type, 'DEREF', (s) => (s as Record<string, unknown>)[name] ?? null, [base]);
      }
      case 'subscript':
        return this.subscript(e);
      case 'call':
        return this.call(e);
      case 'lambda':
        throw new SqlError(`A lambda is only allowed as an argument of a lambda function: ${formatExpression(e)}`);
      case 'timeUnit':
        throw new SqlError(`A time unit is only allowed as a function argument: ${e.unit}`);
      case 'negate': {
        const v = this.analyze(e.operand);
        if (!isNumeric(v.type)) throw new SqlError(`Unsupported arithmetic types. ${v.type.base}`);
        return call(v.type, 'NEGATE', negateImpl(v.type), [v]);
      }
      case 'arithmetic':
        return this.arithmetic(e);
      case 'concat': {
        const l = this.asString(this.analyze(e.left), e.left);
        const r = this.asString(this.analyze(e.right), e.right);
        return call(STRING, 'CONCAT', concatImpl, [l, r]);
      }
      case 'compare':
        return this.compare(e.op, e.left, e.right, e);
      case 'and':
      case 'or':
        return { op: e.kind, type: BOOLEAN, args: [this.boolean(e.left), this.boolean(e.right)] };
      case 'not':
        return { op: 'not', type: BOOLEAN, arg: this.boolean(e.operand) };
      case 'isNull':
        return { op: 'isNull', type: BOOLEAN, arg: this.analyze(e.operand), negated: e.negated };
      case 'distinctFrom': {
        const cmp = this.compare('=', e.left, e.right, e);
        const [l, r] = (cmp as Extract<TypedExpr, { op: 'call' }>).args as [TypedExpr, TypedExpr];
        const eq = (cmp as Extract<TypedExpr, { op: 'call' }>).impl;
        const negated = e.negated;
        const impl: Impl = (a, b) => {
          const same = a === null || b === null ? a === b : (eq(a, b) as boolean);
          return negated ? same : !same;
        };
        return { op: 'call', type: BOOLEAN, name: 'DISTINCT_FROM', impl, args: [l, r], nullSafe: true };
      }
      case 'between': {
        const lowCmp = this.compare('>=', e.value, e.low, e);
        const highCmp = this.compare('<=', e.value, e.high, e);
        const both: TypedExpr = { op: 'and', type: BOOLEAN, args: [lowCmp, highCmp] };
        return e.negated ? { op: 'not', type: BOOLEAN, arg: both } : both;
      }
      case 'in':
        return this.inList(e);
      case 'like':
        return this.like(e);
      case 'case':
        return this.caseExpression(e);
      case 'cast': {
        const v = this.analyze(e.operand);
        const to = this.type(e.type);
        if (typesEqual(v.type, to)) return v;
        const literal = coerceLiteral(v, to);
        if (literal && literal.type.base === to.base) return literal;
        const convert = castConverter(v.type, to);
        if (!convert) throw new SqlError(`Cast of ${formatType(v.type)} to ${formatType(to)} is not supported`);
        return call(to, 'CAST', convert, [v]);
      }
      case 'arrayCtor':
        return this.arrayConstructor(e);
      case 'mapCtor':
        return this.mapConstructor(e);
      case 'structCtor': {
        const values = e.fields.map((f) => this.analyze(f.value));
        const t = struct(e.fields.map((f, i) => ({ name: f.name, type: values[i]!.type.base === 'NULL' ? STRING : values[i]!.type })));
        const names = e.fields.map((f) => f.name);
        const impl: Impl = (...args) => {
          const s = newStruct();
          for (let i = 0; i < names.length; i++) s[names[i]!] = args[i] ?? null;
          return s;
        };
        return { op: 'call', type: t, name: 'STRUCT', impl, args: values, nullSafe: true };
      }
      case 'atTimeZone':
        throw new SqlError('AT TIME ZONE is not supported; use CONVERT_TZ or the time zone argument of FORMAT_TIMESTAMP');
    }
  }

  /** A lambda parameter in scope shadows columns. */
  withLambdaScope<T>(params: ReadonlyMap<string, SqlType>, body: () => T): T {
    this.lambdaScopes.push(new Map(params));
    try {
      return body();
    } finally {
      this.lambdaScopes.pop();
    }
  }

  type(t: TypeAst): SqlType {
    return resolveTypeAst(t, this.ctx.resolveType);
  }

  boolean(e: Expression): TypedExpr {
    const v = this.analyze(e);
    if (v.type.base === 'NULL') return { op: 'const', type: BOOLEAN, value: null };
    if (v.type.base !== 'BOOLEAN') throw NOT_BOOLEAN(e, v.type);
    return v;
  }

  /** Coerce an analysed expression to `target` (widening or a literal rule), or throw. */
  coerce(v: TypedExpr, target: SqlType, source: Expression): TypedExpr {
    if (typesEqual(v.type, target)) return v;
    const literal = coerceLiteral(v, target);
    if (literal) return literal;
    if (!canCoerce(v.type, target)) throw new SqlError(`Can't coerce ${formatExpression(source)} (${formatType(v.type)}) to ${formatType(target)}`);
    if (v.type.base === 'NULL') return { op: 'const', type: target, value: null };
    return call(target, 'COERCE', castConverter(v.type, target)!, [v]);
  }

  private literal(e: Extract<Expression, { kind: 'literal' }>): TypedExpr {
    const l = e.literal;
    switch (l.type) {
      case 'NULL':
        return { op: 'const', type: NULL_TYPE, value: null };
      case 'BOOLEAN':
        return { op: 'const', type: BOOLEAN, value: l.value };
      case 'STRING':
        return { op: 'const', type: STRING, value: l.value };
      case 'DOUBLE': {
        const d = Number(l.text);
        if (!Number.isFinite(d)) throw new SqlError(`Number overflows DOUBLE: ${l.text}`);
        return { op: 'const', type: DOUBLE, value: d };
      }
      case 'DECIMAL': {
        const p = parseDecimal(l.text);
        return { op: 'const', type: literalDecimalType(p), value: p.unscaled };
      }
      case 'INTEGER': {
        const n = BigInt(l.text);
        if (n >= -(2n ** 31n) && n < 2n ** 31n) return { op: 'const', type: INTEGER, value: Number(n) };
        if (n >= -(2n ** 63n) && n < 2n ** 63n) return { op: 'const', type: { base: 'BIGINT' }, value: n };
        throw new SqlError(`line ${e.pos.line}:${e.pos.column}: Invalid numeric literal: ${l.text}`);
      }
    }
  }

  private typedLiteral(e: Extract<Expression, { kind: 'typedLiteral' }>): TypedExpr {
    switch (e.typeName.toUpperCase()) {
      case 'DECIMAL': {
        const p = parseDecimal(e.text);
        return { op: 'const', type: literalDecimalType(p), value: p.unscaled };
      }
      case 'DATE':
        return { op: 'const', type: { base: 'DATE' }, value: parseDate(e.text) };
      case 'TIME':
        return { op: 'const', type: { base: 'TIME' }, value: parseTime(e.text) };
      case 'TIMESTAMP':
        return { op: 'const', type: { base: 'TIMESTAMP' }, value: parseTimestamp(e.text) };
      default:
        throw new SqlError(`Unknown type: ${e.typeName}`);
    }
  }

  private column(e: Extract<Expression, { kind: 'column' }>): TypedExpr {
    if (e.source === undefined) {
      for (let i = this.lambdaScopes.length - 1; i >= 0; i--) {
        const t = this.lambdaScopes[i]!.get(e.name);
        if (t) return { op: 'lambdaVar', type: t, name: e.name };
      }
    }
    const r = this.ctx.resolveColumn(e.source, e.name);
    return { op: 'slot', type: r.type, slot: r.slot };
  }

  private subscript(e: Extract<Expression, { kind: 'subscript' }>): TypedExpr {
    const base = this.analyze(e.base);
    const index = this.analyze(e.index);
    if (base.type.base === 'ARRAY') {
      const i = this.coerce(index, index.type.base === 'BIGINT' ? index.type : INTEGER, e.index);
      const impl: Impl = (arr, at) => {
        const a = arr as unknown[];
        const n = Number(at);
        const k = n > 0 ? n - 1 : a.length + n;
        return n === 0 || k < 0 || k >= a.length ? null : (a[k] ?? null);
      };
      return call(base.type.element, 'SUBSCRIPT', impl, [base, i]);
    }
    if (base.type.base === 'MAP') {
      const key = this.coerce(index, base.type.key, e.index);
      return call(base.type.value, 'SUBSCRIPT', (m, k) => (m as Map<unknown, unknown>).get(k) ?? null, [base, key]);
    }
    throw new SqlError(`Type mismatch: subscript is only supported on ARRAY and MAP, not ${formatType(base.type)} (${formatExpression(e.base)})`);
  }

  private call(e: Extract<Expression, { kind: 'call' }>): TypedExpr {
    const name = e.name.toUpperCase();
    const registry = this.ctx.registry;
    if (registry.isAggregate(name)) {
      if (!this.ctx.aggregate) throw new SqlError(this.ctx.aggregateError ?? `Aggregate functions can not be used here: ${formatExpression(e)}`);
      const r = this.ctx.aggregate(e);
      return { op: 'slot', type: r.type, slot: r.slot };
    }
    if (LAMBDA_FUNCTIONS.has(name)) return analyzeLambdaCall(this, e);
    const fn = registry.scalar(name);
    if (!fn) {
      if (registry.table(name)) throw new SqlError(`Table functions are only supported in the SELECT clause of a stream query: ${formatExpression(e)}`);
      throw new SqlError(`Can't find any functions with the name '${name}'`);
    }
    const args = e.args.map((a) => (a.kind === 'timeUnit' ? ({ op: 'const', type: STRING, value: a.unit } as TypedExpr) : this.analyze(a)));
    const resolved = resolveScalar(fn, args.map((a) => a.type), e.name);
    const coerced = args.map((a, i) => {
      const to = resolved.coerceTo[i];
      return to ? this.coerce(a, to, e.args[i]!) : a;
    });
    return { op: 'call', type: resolved.returns, name, impl: resolved.impl, args: coerced, nullSafe: resolved.nullSafe };
  }

  private arithmetic(e: Extract<Expression, { kind: 'arithmetic' }>): TypedExpr {
    let l = this.analyze(e.left);
    let r = this.analyze(e.right);
    if (e.op === '+' && (l.type.base === 'STRING' || r.type.base === 'STRING')) {
      return call(STRING, 'CONCAT', concatImpl, [this.asString(l, e.left), this.asString(r, e.right)]);
    }
    // NULL literals take the other side's type.
    if (l.type.base === 'NULL' && isNumeric(r.type)) l = { op: 'const', type: r.type, value: null };
    if (r.type.base === 'NULL' && isNumeric(l.type)) r = { op: 'const', type: l.type, value: null };
    if (!isNumeric(l.type) || !isNumeric(r.type)) throw new SqlError(`Error processing expression: ${formatExpression(e)}. Unsupported arithmetic types. ${l.type.base} ${r.type.base}`);
    const out = arithmeticType(e.op, l.type, r.type);
    if (out.base === 'DECIMAL') {
      const lt = asDecimalType(l.type);
      const rt = asDecimalType(r.type);
      const lc = this.coerce(l, lt, e.left);
      const rc = this.coerce(r, rt, e.right);
      return call(out, e.op, arithmeticImpl(e.op, out, { l: lt, r: rt, out }), [lc, rc]);
    }
    return call(out, e.op, arithmeticImpl(e.op, out), [this.coerce(l, out, e.left), this.coerce(r, out, e.right)]);
  }

  private asString(v: TypedExpr, source: Expression): TypedExpr {
    if (v.type.base === 'STRING') return v;
    if (v.type.base === 'NULL') return { op: 'const', type: STRING, value: null };
    const literal = coerceLiteral(v, STRING);
    if (literal) return literal;
    throw new SqlError(`Error processing expression: ${formatExpression(source)}. Unsupported concatenation of ${formatType(v.type)}: only STRING values can be concatenated`);
  }

  /** Bring two operands to one comparable type (literals by the literal rules). */
  unify(l: TypedExpr, r: TypedExpr, le: Expression, re: Expression, describe: () => string): [TypedExpr, TypedExpr, SqlType] {
    if (l.type.base === 'NULL' && r.type.base === 'NULL') return [l, r, NULL_TYPE];
    if (l.type.base === 'NULL') return [{ op: 'const', type: r.type, value: null }, r, r.type];
    if (r.type.base === 'NULL') return [l, { op: 'const', type: l.type, value: null }, l.type];
    if (typesEqual(l.type, r.type)) return [l, r, l.type];
    if (isLiteral(r) && r.type.base === 'STRING') {
      const c = tryCoerceLiteral(r, l.type, describe);
      if (c) return this.unify(l, c, le, re, describe);
    }
    if (isLiteral(l) && l.type.base === 'STRING') {
      const c = tryCoerceLiteral(l, r.type, describe);
      if (c) return this.unify(c, r, le, re, describe);
    }
    const common = commonType([l.type, r.type]);
    if (!common || (!canCoerce(l.type, common) && !isLiteral(l)) || (!canCoerce(r.type, common) && !isLiteral(r))) throw new SqlError(describe());
    return [this.coerce(l, common, le), this.coerce(r, common, re), common];
  }

  compare(op: ComparisonOp, le: Expression, re: Expression, whole: Expression): TypedExpr {
    const l0 = this.analyze(le);
    const r0 = this.analyze(re);
    const describe = (): string =>
      `Cannot compare ${formatExpression(le)} (${describeType(l0.type)}) to ${formatExpression(re)} (${describeType(r0.type)}) with ${COMPARISON_NAMES[op]}.`;
    const [l, r, t] = this.unify(l0, r0, le, re, describe);
    if (!comparable(t, op)) throw new SqlError(describe());
    void whole;
    return call(BOOLEAN, COMPARISON_NAMES[op], comparisonImpl(op, t), [l, r]);
  }

  private inList(e: Extract<Expression, { kind: 'in' }>): TypedExpr {
    const value = this.analyze(e.value);
    let items = e.list.map((x) => this.analyze(x));
    const describe = (): string => `Invalid Predicate: operator does not exist: ${formatExpression(e)}`;
    // String literals in the list take the value's type where they spell one.
    items = items.map((x) => (isLiteral(x) && x.type.base === 'STRING' && value.type.base !== 'STRING' ? (tryCoerceLiteral(x, value.type, describe) ?? x) : x));
    const common = commonType([value.type, ...items.map((x) => x.type)]);
    if (!common) throw new SqlError(describe());
    const v = this.coerce(value, common, e.value);
    const list = items.map((x, i) => this.coerce(x, common, e.list[i]!));
    const eq = comparisonImpl('=', common);
    const negated = e.negated;
    const impl: Impl = (x, ...candidates) => {
      if (x === null) return null;
      let sawNull = false;
      for (const c of candidates) {
        if (c === null) sawNull = true;
        else if (eq(x, c)) return !negated;
      }
      return sawNull ? null : negated;
    };
    return { op: 'call', type: BOOLEAN, name: 'IN', impl, args: [v, ...list], nullSafe: true };
  }

  private like(e: Extract<Expression, { kind: 'like' }>): TypedExpr {
    const value = this.asString(this.analyze(e.value), e.value);
    const pattern = this.asString(this.analyze(e.pattern), e.pattern);
    const escape = e.escape;
    const negated = e.negated;
    if (pattern.op === 'const' && typeof pattern.value === 'string') {
      const re = likeRegex(pattern.value, escape);
      return call(BOOLEAN, 'LIKE', (v) => re.test(v as string) !== negated, [value]);
    }
    return call(BOOLEAN, 'LIKE', (v, p) => likeRegex(p as string, escape).test(v as string) !== negated, [value, pattern]);
  }

  private caseExpression(e: Extract<Expression, { kind: 'case' }>): TypedExpr {
    const operand = e.operand ? this.analyze(e.operand) : undefined;
    const whens = e.whens.map((w) => {
      if (!e.operand) return this.boolean(w.when);
      return this.compare('=', e.operand, w.when, w.when);
    });
    void operand;
    const results = e.whens.map((w) => this.analyze(w.then));
    const otherwise = e.otherwise ? this.analyze(e.otherwise) : undefined;
    const all = otherwise ? [...results, otherwise] : results;
    if (all.every((r) => r.type.base === 'NULL')) throw new SqlError('Invalid Case expression. All case branches have NULL type');
    const common = commonType(all.map((r) => r.type));
    if (!common) throw new SqlError(`Invalid Case expression. Type for all 'THEN' clauses should be the same. Result types: ${all.map((r) => formatType(r.type)).join(', ')}`);
    return {
      op: 'case',
      type: common,
      whens: whens.map((w, i) => ({ when: w, then: this.coerce(results[i]!, common, e.whens[i]!.then) })),
      otherwise: otherwise ? this.coerce(otherwise, common, e.otherwise!) : undefined,
    };
  }

  private arrayConstructor(e: Extract<Expression, { kind: 'arrayCtor' }>): TypedExpr {
    if (e.items.length === 0) throw new SqlError('Array constructor cannot be empty. Please supply at least one element (see https://github.com/confluentinc/ksql/issues/4239).');
    const items = e.items.map((x) => this.analyze(x));
    if (items.every((x) => x.type.base === 'NULL')) {
      throw new SqlError('Cannot construct an array with all NULL elements (see https://github.com/confluentinc/ksql/issues/4239). As a workaround, you may cast a NULL value to the desired type.');
    }
    const first = items.find((x) => x.type.base !== 'NULL')!;
    const coercedItems = items.map((x) => (isLiteral(x) && x.type.base === 'STRING' && first.type.base !== 'STRING' ? (coerceLiteral(x, first.type) ?? x) : x));
    const common = commonType(coercedItems.map((x) => x.type));
    if (!common) throw new SqlError(`invalid input syntax for type ${formatType(first.type)}: ${formatExpression(e)}`);
    const args = coercedItems.map((x, i) => this.coerce(x, common, e.items[i]!));
    return { op: 'call', type: array(common), name: 'ARRAY', impl: (...xs) => xs, args, nullSafe: true };
  }

  private mapConstructor(e: Extract<Expression, { kind: 'mapCtor' }>): TypedExpr {
    if (e.entries.length === 0) throw new SqlError('Map constructor cannot be empty. Please supply at least one key value pair (see https://github.com/confluentinc/ksql/issues/4239).');
    const keys = e.entries.map((x) => this.analyze(x.key));
    const values = e.entries.map((x) => this.analyze(x.value));
    if (keys.every((k) => k.type.base === 'NULL')) throw new SqlError('Cannot construct a map with all NULL keys');
    if (values.every((v) => v.type.base === 'NULL')) throw new SqlError('Cannot construct a map with all NULL values');
    const kt = commonType(keys.map((k) => k.type));
    const vt = commonType(values.map((v) => v.type));
    if (!kt || !vt) throw new SqlError(`Cannot construct a map with mismatching types: ${formatExpression(e)}`);
    const args: TypedExpr[] = [];
    e.entries.forEach((x, i) => {
      args.push(this.coerce(keys[i]!, kt, x.key), this.coerce(values[i]!, vt, x.value));
    });
    const impl: Impl = (...kv) => {
      const m = new Map<unknown, unknown>();
      for (let i = 0; i < kv.length; i += 2) m.set(kv[i], kv[i + 1]);
      return m;
    };
    return { op: 'call', type: map(kt, vt), name: 'MAP', impl, args, nullSafe: true };
  }
}

function describeType(t: SqlType): string {
  return t.base === 'NULL' ? 'NULL' : formatType(t);
}

function tryCoerceLiteral(lit: TypedExpr, target: SqlType, describe: () => string): TypedExpr | undefined {
  if (target.base === 'STRING' || target.base === 'NULL' || target.base === 'ARRAY' || target.base === 'MAP' || target.base === 'STRUCT') return undefined;
  try {
    return coerceLiteral(lit, target);
  } catch {
    throw new SqlError(describe());
  }
}

export function call(type: SqlType, name: string, impl: Impl, args: readonly TypedExpr[]): TypedExpr {
  return { op: 'call', type, name, impl, args, nullSafe: false };
}

/** LIKE pattern to a regular expression: % any sequence, _ any one character, `escape` quotes the next. */
export function likeRegex(pattern: string, escape: string | undefined): RegExp {
  let re = '^';
  for (let i = 0; i < pattern.length; i++) {
    const c = pattern[i]!;
    if (escape !== undefined && c === escape && i + 1 < pattern.length) {
      re += pattern[++i]!.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
    } else if (c === '%') re += '[\\s\\S]*';
    else if (c === '_') re += '[\\s\\S]';
    else re += c.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
  }
  return new RegExp(re + '$', 'u');
}

export function resolveTypeAst(t: TypeAst, custom: (name: string) => SqlType | undefined): SqlType {
  switch (t.kind) {
    case 'primitive':
      return { base: t.name };
    case 'decimal':
      try {
        return { base: 'DECIMAL', precision: t.precision, scale: t.scale, ...checkDecimal(t.precision, t.scale) };
      } catch (e) {
        throw new SqlError(e instanceof Error ? e.message : String(e));
      }
    case 'array':
      return array(resolveTypeAst(t.element, custom));
    case 'map':
      return map(resolveTypeAst(t.key, custom), resolveTypeAst(t.value, custom));
    case 'struct':
      return struct(t.fields.map((f) => ({ name: f.name, type: resolveTypeAst(f.type, custom) })));
    case 'custom': {
      const c = custom(t.name);
      if (!c) throw new SqlError(`Unknown type: ${t.name}`);
      return c;
    }
  }
}

function checkDecimal(precision: number, scale: number): object {
  if (precision < 1) throw new RangeError(`DECIMAL precision must be >= 1: DECIMAL(${precision},${scale})`);
  if (precision < scale) throw new RangeError(`DECIMAL precision must be >= scale: DECIMAL(${precision},${scale})`);
  return {};
}
