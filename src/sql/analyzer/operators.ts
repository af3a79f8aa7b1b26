// The evaluators of SQL operators for each operand type: arithmetic with Java's overflow
// (INTEGER and BIGINT wrap, integer division truncates, division by zero is an error and so NULL),
// comparisons over numbers, strings, booleans, bytes and time types (= and <> over any type), and
// string concatenation.

import { SqlEvaluationError } from '../errors.js';
import type { ArithmeticOp, ComparisonOp } from '../parser/ast.js';
import { addType, asDecimalType, decimalArithmetic, divideType, modulusType, multiplyType } from '../types/decimal.js';
import { isNumeric, type DecimalType, type SqlType } from '../types/sql-type.js';
import { compareValues, valuesEqual } from '../types/values.js';
import type { Impl } from './typed-expr.js';

/** The result type of `l op r` for numeric operands (before coercion to it). */
export function arithmeticType(op: ArithmeticOp, l: SqlType, r: SqlType): SqlType {
  if (l.base === 'DOUBLE' || r.base === 'DOUBLE') return l.base === 'DOUBLE' ? l : r;
  if (l.base === 'DECIMAL' || r.base === 'DECIMAL') {
    const a = asDecimalType(l);
    const b = asDecimalType(r);
    switch (op) {
      case '+':
      case '-':
        return addType(a, b);
      case '*':
        return multiplyType(a, b);
      case '/':
        return divideType(a, b);
      case '%':
        return modulusType(a, b);
    }
  }
  return l.base === 'BIGINT' || r.base === 'BIGINT' ? (l.base === 'BIGINT' ? l : r) : l;
}

function divisionByZero(): never {
  throw new SqlEvaluationError('/ by zero');
}

/** The evaluator for operands already coerced: both INTEGER, both BIGINT, both DOUBLE, or decimals. */
export function arithmeticImpl(op: ArithmeticOp, operand: SqlType, decimals?: { l: DecimalType; r: DecimalType; out: DecimalType }): Impl {
  if (decimals) {
    const { l: lt, r: rt, out } = decimals;
    return (a, b) => decimalArithmetic(op, a as bigint, lt, b as bigint, rt, out);
  }
  switch (operand.base) {
    case 'INTEGER':
      switch (op) {
        case '+':
          return (a, b) => ((a as number) + (b as number)) | 0;
        case '-':
          return (a, b) => ((a as number) - (b as number)) | 0;
        case '*':
          return (a, b) => Math.imul(a as number, b as number);
        case '/':
          return (a, b) => ((b as number) === 0 ? divisionByZero() : ((a as number) / (b as number)) | 0);
        case '%':
          return (a, b) => ((b as number) === 0 ? divisionByZero() : ((a as number) % (b as number)) | 0);
      }
      break;
    case 'BIGINT':
      switch (op) {
        case '+':
          return (a, b) => BigInt.asIntN(64, (a as bigint) + (b as bigint));
        case '-':
          return (a, b) => BigInt.asIntN(64, (a as bigint) - (b as bigint));
        case '*':
          return (a, b) => BigInt.asIntN(64, (a as bigint) * (b as bigint));
        case '/':
          return (a, b) => ((b as bigint) === 0n ? divisionByZero() : BigInt.asIntN(64, (a as bigint) / (b as bigint)));
        case '%':
          return (a, b) => ((b as bigint) === 0n ? divisionByZero() : (a as bigint) % (b as bigint));
      }
      break;
    default:
      switch (op) {
        case '+':
          return (a, b) => (a as number) + (b as number);
        case '-':
          return (a, b) => (a as number) - (b as number);
        case '*':
          return (a, b) => (a as number) * (b as number);
        case '/':
          return (a, b) => (a as number) / (b as number);
        case '%':
          return (a, b) => (a as number) % (b as number);
      }
  }
  throw new RangeError(`no arithmetic for ${operand.base}`);
}

export function negateImpl(t: SqlType): Impl {
  switch (t.base) {
    case 'INTEGER':
      return (a) => -(a as number) | 0;
    case 'BIGINT':
      return (a) => BigInt.asIntN(64, -(a as bigint));
    case 'DECIMAL':
      return (a) => -(a as bigint);
    default:
      return (a) => -(a as number);
  }
}

export const COMPARISON_NAMES: Record<ComparisonOp, string> = {
  '=': 'EQUAL',
  '<>': 'NOT_EQUAL',
  '<': 'LESS_THAN',
  '<=': 'LESS_THAN_OR_EQUAL',
  '>': 'GREATER_THAN',
  '>=': 'GREATER_THAN_OR_EQUAL',
};

/** Can values of this (common) type be compared with `op`? */
export function comparable(t: SqlType, op: ComparisonOp): boolean {
  if (op === '=' || op === '<>') return true;
  return isNumeric(t) || ['STRING', 'BOOLEAN', 'BYTES', 'DATE', 'TIME', 'TIMESTAMP'].includes(t.base);
}

export function comparisonImpl(op: ComparisonOp, t: SqlType): Impl {
  const structured = t.base === 'ARRAY' || t.base === 'MAP' || t.base === 'STRUCT' || t.base === 'BYTES';
  if (structured && op === '=') return (a, b) => valuesEqual(a, b);
  if (structured && op === '<>') return (a, b) => !valuesEqual(a, b);
  if (t.base === 'BYTES') {
    return (a, b) => {
      const c = compareValues(a, b);
      return op === '<' ? c < 0 : op === '<=' ? c <= 0 : op === '>' ? c > 0 : c >= 0;
    };
  }
  switch (op) {
    case '=':
      return (a, b) => a === b;
    case '<>':
      return (a, b) => a !== b;
    case '<':
      return (a, b) => (a as number) < (b as number);
    case '<=':
      return (a, b) => (a as number) <= (b as number);
    case '>':
      return (a, b) => (a as number) > (b as number);
    case '>=':
      return (a, b) => (a as number) >= (b as number);
  }
}

export const concatImpl: Impl = (a, b) => (a as string) + (b as string);
