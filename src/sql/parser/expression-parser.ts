// Expressions and types, by recursive descent over ksqlDB's grammar (SqlBase.g4: booleanExpression,
// predicate, valueExpression, primaryExpression, type). Precedence, loosest first:
//   OR < AND < NOT < predicates (= <> < <= > >=, BETWEEN, IN, LIKE, IS [NOT] NULL, IS [NOT] DISTINCT FROM)
//   < || (concatenation) < + - < * / % < unary - + < AT TIME ZONE < postfix [ ] and -> < primary.

import type { ArithmeticOp, ComparisonOp, Expression, LiteralValue, Pos, PrimitiveTypeName, TypeAst } from './ast.js';
import { TokenCursor } from './cursor.js';
import { TIME_UNIT_MS } from './keywords.js';

const COMPARISONS: Record<string, ComparisonOp> = { '=': '=', '<>': '<>', '!=': '<>', '<': '<', '<=': '<=', '>': '>', '>=': '>=' };
/** Units that can only be a time-unit argument (the singular DAY, HOUR, ... may also name a column). */
const RESERVED_UNITS = new Set(['MILLISECOND', 'MILLISECONDS', 'SECONDS', 'MINUTES', 'HOURS', 'DAYS']);

const PRIMITIVE_NAMES: Record<string, PrimitiveTypeName> = {
  BOOLEAN: 'BOOLEAN',
  INT: 'INTEGER',
  INTEGER: 'INTEGER',
  BIGINT: 'BIGINT',
  DOUBLE: 'DOUBLE',
  VARCHAR: 'STRING',
  STRING: 'STRING',
  BYTES: 'BYTES',
  DATE: 'DATE',
  TIME: 'TIME',
  TIMESTAMP: 'TIMESTAMP',
};

export class ExpressionParser extends TokenCursor {
  expression(): Expression {
    return this.or();
  }

  private or(): Expression {
    let left = this.and();
    while (this.isWord('OR')) {
      const pos = this.pos();
      this.next();
      left = { kind: 'or', left, right: this.and(), pos };
    }
    return left;
  }

  private and(): Expression {
    let left = this.not();
    while (this.isWord('AND')) {
      const pos = this.pos();
      this.next();
      left = { kind: 'and', left, right: this.not(), pos };
    }
    return left;
  }

  private not(): Expression {
    if (this.isWord('NOT')) {
      const pos = this.pos();
      this.next();
      return { kind: 'not', operand: this.not(), pos };
    }
    return this.predicated();
  }

  private predicated(): Expression {
    const value = this.valueExpression();
    const t = this.peek();
    const pos = this.pos(t);
    if (t.kind === 'symbol' && COMPARISONS[t.text]) {
      this.next();
      return { kind: 'compare', op: COMPARISONS[t.text]!, left: value, right: this.valueExpression(), pos };
    }
    if (this.isWord('IS')) {
      this.next();
      const negated = this.acceptWord('NOT');
      if (this.acceptWord('NULL')) return { kind: 'isNull', operand: value, negated, pos };
      this.expectWord('DISTINCT', 'FROM');
      return { kind: 'distinctFrom', left: value, right: this.valueExpression(), negated, pos };
    }
    const negated = this.isWord('NOT') && (this.isWord('BETWEEN', 1) || this.isWord('IN', 1) || this.isWord('LIKE', 1));
    if (negated) this.next();
    if (this.acceptWord('BETWEEN')) {
      const low = this.valueExpression();
      this.expectWord('AND');
      return { kind: 'between', value, low, high: this.valueExpression(), negated, pos };
    }
    if (this.acceptWord('IN')) {
      this.expectSymbol('(');
      const list = [this.expression()];
      while (this.acceptSymbol(',')) list.push(this.expression());
      this.expectSymbol(')');
      return { kind: 'in', value, list, negated, pos };
    }
    if (this.acceptWord('LIKE')) {
      const pattern = this.valueExpression();
      let escape: string | undefined;
      if (this.acceptWord('ESCAPE')) {
        const e = this.next();
        if (e.kind !== 'string') this.fail('a string');
        escape = e.text;
      }
      return { kind: 'like', value, pattern, escape, negated, pos };
    }
    return value;
  }

  valueExpression(): Expression {
    let left = this.additive();
    while (this.isSymbol('||')) {
      const pos = this.pos();
      this.next();
      left = { kind: 'concat', left, right: this.additive(), pos };
    }
    return left;
  }

  private additive(): Expression {
    let left = this.multiplicative();
    while (this.isSymbol('+') || this.isSymbol('-')) {
      const pos = this.pos();
      const op = this.next().text as ArithmeticOp;
      left = { kind: 'arithmetic', op, left, right: this.multiplicative(), pos };
    }
    return left;
  }

  private multiplicative(): Expression {
    let left = this.unary();
    while (this.isSymbol('*') || this.isSymbol('/') || this.isSymbol('%')) {
      const pos = this.pos();
      const op = this.next().text as ArithmeticOp;
      left = { kind: 'arithmetic', op, left, right: this.unary(), pos };
    }
    return left;
  }

  private unary(): Expression {
    if (this.isSymbol('-') || this.isSymbol('+')) {
      const pos = this.pos();
      const minus = this.next().text === '-';
      const operand = this.unary();
      return minus ? { kind: 'negate', operand, pos } : operand;
    }
    let value = this.postfix();
    while (this.isWord('AT') && this.isWord('TIME', 1) && this.isWord('ZONE', 2)) {
      const pos = this.pos();
      this.i += 3;
      const zone = this.next();
      if (zone.kind !== 'string') this.fail('a time zone string');
      value = { kind: 'atTimeZone', value, zone: zone.text, pos };
    }
    return value;
  }

  private postfix(): Expression {
    let e = this.primary();
    while (true) {
      const pos = this.pos();
      if (this.acceptSymbol('[')) {
        const index = this.valueExpression();
        this.expectSymbol(']');
        e = { kind: 'subscript', base: e, index, pos };
      } else if (this.isSymbol('->') && !this.isSymbol('*', 1)) {
        this.next();
        e = { kind: 'deref', base: e, field: this.identifier(), pos };
      } else {
        return e;
      }
    }
  }

  private primary(): Expression {
    const t = this.peek();
    const pos = this.pos(t);
    switch (t.kind) {
      case 'string':
        this.next();
        return literal({ type: 'STRING', value: t.text }, pos);
      case 'integer':
        this.next();
        return literal({ type: 'INTEGER', text: t.text }, pos);
      case 'decimal':
        this.next();
        return literal({ type: 'DECIMAL', text: t.text }, pos);
      case 'float':
        this.next();
        return literal({ type: 'DOUBLE', text: t.text }, pos);
      case 'symbol':
        if (t.text === '(') {
          this.next();
          const inner = this.expression();
          this.expectSymbol(')');
          return inner;
        }
        return this.fail('an expression');
      case 'eof':
        return this.fail('an expression');
      case 'variable':
        throw this.error(t, `Undefined variable '${t.text}'`);
      default:
        break;
    }
    if (t.kind === 'word') {
      switch (t.text) {
        case 'NULL':
          this.next();
          return literal({ type: 'NULL' }, pos);
        case 'TRUE':
        case 'FALSE':
          this.next();
          return literal({ type: 'BOOLEAN', value: t.text === 'TRUE' }, pos);
        case 'CASE':
          return this.caseExpression();
        case 'CAST': {
          this.next();
          this.expectSymbol('(');
          const operand = this.expression();
          this.expectWord('AS');
          const type = this.type();
          this.expectSymbol(')');
          return { kind: 'cast', operand, type, pos };
        }
        case 'ARRAY':
          if (this.isSymbol('[', 1)) return this.arrayConstructor();
          break;
        case 'MAP':
          if (this.isSymbol('(', 1)) return this.mapConstructor();
          break;
        case 'STRUCT':
          if (this.isSymbol('(', 1)) return this.structConstructor();
          break;
        default:
          if (RESERVED_UNITS.has(t.text)) {
            this.next();
            return { kind: 'timeUnit', unit: t.text, pos };
          }
      }
    }
    const name = this.identifier();
    const after = this.peek();
    if (after.kind === 'string') {
      this.next();
      return { kind: 'typedLiteral', typeName: name, text: after.text, pos };
    }
    if (this.isSymbol('(')) return this.call(name, pos);
    if (this.isSymbol('.') && (this.isIdentifier(1) || this.peek(1).kind === 'word')) {
      this.next();
      return { kind: 'column', source: name, name: this.identifier(), pos };
    }
    return { kind: 'column', source: undefined, name, pos };
  }

  private call(name: string, pos: Pos): Expression {
    this.expectSymbol('(');
    if (this.isSymbol('*') && this.isSymbol(')', 1)) {
      this.i += 2;
      return { kind: 'call', name, args: [], star: true, pos };
    }
    const args: Expression[] = [];
    if (!this.acceptSymbol(')')) {
      do args.push(this.lambdaOrExpression());
      while (this.acceptSymbol(','));
      this.expectSymbol(')');
    }
    return { kind: 'call', name, args, star: false, pos };
  }

  private lambdaOrExpression(): Expression {
    const pos = this.pos();
    if (this.isIdentifier() && this.isSymbol('=>', 1)) {
      const param = this.identifier();
      this.next();
      return { kind: 'lambda', params: [param], body: this.expression(), pos };
    }
    if (this.isSymbol('(')) {
      // (a, b) => ...: identifiers and commas up to ')' then '=>'.
      let k = 1;
      while (this.isIdentifier(k) && this.isSymbol(',', k + 1)) k += 2;
      if (this.isIdentifier(k) && this.isSymbol(')', k + 1) && this.isSymbol('=>', k + 2)) {
        this.next();
        const params = [this.identifier()];
        while (this.acceptSymbol(',')) params.push(this.identifier());
        this.expectSymbol(')');
        this.expectSymbol('=>');
        return { kind: 'lambda', params, body: this.expression(), pos };
      }
    }
    return this.expression();
  }

  private caseExpression(): Expression {
    const pos = this.pos();
    this.expectWord('CASE');
    const operand = this.isWord('WHEN') ? undefined : this.valueExpression();
    const whens: Array<{ when: Expression; then: Expression }> = [];
    while (this.acceptWord('WHEN')) {
      const when = this.expression();
      this.expectWord('THEN');
      whens.push({ when, then: this.expression() });
    }
    if (whens.length === 0) this.fail("'WHEN'");
    const otherwise = this.acceptWord('ELSE') ? this.expression() : undefined;
    this.expectWord('END');
    return { kind: 'case', operand, whens, otherwise, pos };
  }

  private arrayConstructor(): Expression {
    const pos = this.pos();
    this.expectWord('ARRAY');
    this.expectSymbol('[');
    const items: Expression[] = [];
    if (!this.acceptSymbol(']')) {
      do items.push(this.expression());
      while (this.acceptSymbol(','));
      this.expectSymbol(']');
    }
    return { kind: 'arrayCtor', items, pos };
  }

  private mapConstructor(): Expression {
    const pos = this.pos();
    this.expectWord('MAP');
    this.expectSymbol('(');
    const entries: Array<{ key: Expression; value: Expression }> = [];
    if (!this.acceptSymbol(')')) {
      do {
        const key = this.expression();
        this.expectSymbol(':=');
        entries.push({ key, value: this.expression() });
      } while (this.acceptSymbol(','));
      this.expectSymbol(')');
    }
    return { kind: 'mapCtor', entries, pos };
  }

  private structConstructor(): Expression {
    const pos = this.pos();
    this.expectWord('STRUCT');
    this.expectSymbol('(');
    const fields: Array<{ name: string; value: Expression }> = [];
    if (!this.acceptSymbol(')')) {
      do {
        const name = this.identifier();
        this.expectSymbol(':=');
        fields.push({ name, value: this.expression() });
      } while (this.acceptSymbol(','));
      this.expectSymbol(')');
    }
    return { kind: 'structCtor', fields, pos };
  }

  // ---- types ----

  type(): TypeAst {
    let t = this.baseType();
    // `type ARRAY`: the postfix array form of the grammar.
    while (this.isWord('ARRAY') && !this.isSymbol('<', 1)) {
      const pos = this.pos();
      this.next();
      t = { kind: 'array', element: t, pos };
    }
    return t;
  }

  private baseType(): TypeAst {
    const t = this.peek();
    const pos = this.pos(t);
    if (t.kind === 'word' && t.text === 'ARRAY' && this.isSymbol('<', 1)) {
      this.i += 2;
      const element = this.type();
      this.expectSymbol('>');
      return { kind: 'array', element, pos };
    }
    if (t.kind === 'word' && t.text === 'MAP' && this.isSymbol('<', 1)) {
      this.i += 2;
      const key = this.type();
      this.expectSymbol(',');
      const value = this.type();
      this.expectSymbol('>');
      return { kind: 'map', key, value, pos };
    }
    if (t.kind === 'word' && t.text === 'STRUCT' && this.isSymbol('<', 1)) {
      this.i += 2;
      const fields: Array<{ name: string; type: TypeAst }> = [];
      if (!this.acceptSymbol('>')) {
        do {
          const name = this.identifier();
          fields.push({ name, type: this.type() });
        } while (this.acceptSymbol(','));
        this.expectSymbol('>');
      }
      return { kind: 'struct', fields, pos };
    }
    if (t.kind === 'word' && t.text === 'DECIMAL') {
      this.next();
      this.expectSymbol('(');
      const precision = this.integer('a precision');
      this.expectSymbol(',');
      const scale = this.integer('a scale');
      this.expectSymbol(')');
      return { kind: 'decimal', precision, scale, pos };
    }
    const name = t.kind === 'word' ? (this.next(), t.text) : this.identifier();
    // VARCHAR(n) and similar: parameters are accepted and ignored, as ksqlDB does.
    if (this.acceptSymbol('(')) {
      do this.next();
      while (this.acceptSymbol(','));
      this.expectSymbol(')');
    }
    const primitive = PRIMITIVE_NAMES[name];
    if (primitive !== undefined) return { kind: 'primitive', name: primitive, pos };
    return { kind: 'custom', name, pos };
  }

  /** `number unit`, as in WINDOW TUMBLING (SIZE 1 MINUTE): milliseconds. */
  duration(): number {
    const n = this.integer('a number');
    const unit = this.peek();
    const ms = unit.kind === 'word' ? TIME_UNIT_MS.get(unit.text) : undefined;
    if (ms === undefined) this.fail('a time unit (MILLISECONDS, SECONDS, MINUTES, HOURS, DAYS)');
    this.next();
    return n * ms!;
  }

  /** A literal, as WITH properties take them (a leading minus is part of a number there). */
  literalValue(): LiteralValue {
    const t = this.peek();
    const negative = t.kind === 'symbol' && t.text === '-';
    if (negative) this.next();
    const v = this.next();
    const sign = negative ? '-' : '';
    switch (v.kind) {
      case 'string':
        if (!negative) return { type: 'STRING', value: v.text };
        break;
      case 'integer':
        return { type: 'INTEGER', text: sign + v.text };
      case 'decimal':
        return { type: 'DECIMAL', text: sign + v.text };
      case 'float':
        return { type: 'DOUBLE', text: sign + v.text };
      case 'word':
        if (!negative && (v.text === 'TRUE' || v.text === 'FALSE')) return { type: 'BOOLEAN', value: v.text === 'TRUE' };
        if (!negative && v.text === 'NULL') return { type: 'NULL' };
        break;
      default:
        break;
    }
    this.i--;
    return this.fail('a literal');
  }
}

function literal(l: LiteralValue, pos: Pos): Expression {
  return { kind: 'literal', literal: l, pos };
}
