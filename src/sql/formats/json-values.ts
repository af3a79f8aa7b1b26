// SQL values to and from JSON, as ksqlDB's JSON format reads and writes them (serialization.md,
// "JSON"): BIGINT and DECIMAL as JSON numbers with their exact digits, DOUBLE as Java prints it,
// DATE as days, TIME and TIMESTAMP as milliseconds, BYTES as base64, MAP and STRUCT as objects.
// Reading coerces as KsqlJsonDeserializer does: numbers from numeric strings, any JSON value into a
// STRING column (objects and arrays as their JSON text), decimals from numbers or strings.

import { SqlEvaluationError } from '../errors.js';
import { doubleToInt, parseJavaDouble, parseJavaInt, parseJavaLong } from '../types/cast.js';
import { ensureFits, formatDecimal, parseDecimal, rescale } from '../types/decimal.js';
import { javaDoubleToString } from '../types/java-text.js';
import { formatType, type SqlType } from '../types/sql-type.js';
import { newStruct, type StructValue } from '../types/values.js';

export type JsonReader = (v: unknown, path: string) => unknown;

function fail(v: unknown, t: SqlType, path: string): never {
  const source = v === null ? 'NullNode' : Array.isArray(v) ? 'ArrayNode' : typeof v === 'object' ? 'ObjectNode' : typeof v === 'string' ? 'TextNode' : typeof v === 'boolean' ? 'BooleanNode' : 'NumericNode';
  throw new SqlEvaluationError(`Can't convert type. sourceType: ${source}, requiredType: ${formatType(t)}, path: ${path}`);
}

/** A reader turning a parsed JSON value into the SQL value of type t (null stays null). */
export function jsonReader(t: SqlType): JsonReader {
  switch (t.base) {
    case 'BOOLEAN':
      return (v, p) => (v === null || v === undefined ? null : typeof v === 'boolean' ? v : fail(v, t, p));
    case 'INTEGER':
      return (v, p) => {
        if (v === null || v === undefined) return null;
        if (typeof v === 'number') return Number.isInteger(v) ? v | 0 : doubleToInt(v);
        if (typeof v === 'string') return parseJavaInt(v);
        return fail(v, t, p);
      };
    case 'BIGINT':
    case 'TIMESTAMP':
    case 'TIME': {
      const asBigint = t.base === 'BIGINT';
      return (v, p) => {
        if (v === null || v === undefined) return null;
        let n: bigint;
        if (typeof v === 'number') n = BigInt(Math.trunc(v));
        else if (typeof v === 'string') n = parseJavaLong(v);
        else return fail(v, t, p);
        return asBigint ? n : Number(n);
      };
    }
    case 'DATE':
      return (v, p) => {
        if (v === null || v === undefined) return null;
        if (typeof v === 'number') return Math.trunc(v);
        if (typeof v === 'string') return Number(parseJavaLong(v));
        return fail(v, t, p);
      };
    case 'DOUBLE':
      return (v, p) => {
        if (v === null || v === undefined) return null;
        if (typeof v === 'number') return v;
        if (typeof v === 'string') return parseJavaDouble(v);
        return fail(v, t, p);
      };
    case 'DECIMAL':
      return (v, p) => {
        if (v === null || v === undefined) return null;
        if (typeof v !== 'number' && typeof v !== 'string') return fail(v, t, p);
        const d = parseDecimal(typeof v === 'number' ? javaDoubleToString(v).replace('E', 'e') : v);
        // Exact fit only, as ksqlDB's DecimalUtil.ensureFit (no silent rounding of input data).
        const scaled = rescale(d.unscaled, d.scale, t.scale);
        if (d.scale > t.scale && rescale(scaled, t.scale, d.scale) !== d.unscaled) {
          throw new SqlEvaluationError(`Cannot fit decimal '${typeof v === 'string' ? v : String(v)}' into ${formatType(t)} without rounding. (Requires ${d.precision},${d.scale})`);
        }
        return ensureFits(scaled, t);
      };
    case 'STRING':
      return (v) => {
        if (v === null || v === undefined) return null;
        if (typeof v === 'string') return v;
        if (Array.isArray(v)) return '[' + v.map((x) => (x === null ? 'null' : typeof x === 'string' ? x : JSON.stringify(x))).join(', ') + ']';
        return typeof v === 'object' ? JSON.stringify(v) : String(v);
      };
    case 'BYTES':
      return (v, p) => (v === null || v === undefined ? null : typeof v === 'string' ? Buffer.from(v, 'base64') : fail(v, t, p));
    case 'ARRAY': {
      const element = jsonReader(t.element);
      return (v, p) => {
        if (v === null || v === undefined) return null;
        if (!Array.isArray(v)) return fail(v, t, p);
        return v.map((x, i) => element(x, `${p}[${i}]`));
      };
    }
    case 'MAP': {
      const value = jsonReader(t.value);
      return (v, p) => {
        if (v === null || v === undefined) return null;
        if (typeof v !== 'object' || Array.isArray(v)) return fail(v, t, p);
        const m = new Map<unknown, unknown>();
        for (const k of Object.keys(v)) m.set(k, value((v as Record<string, unknown>)[k], `${p}.${k}.value`));
        return m;
      };
    }
    case 'STRUCT': {
      const fields = t.fields.map((f) => ({ name: f.name, upper: f.name.toUpperCase(), read: jsonReader(f.type) }));
      return (v, p) => {
        if (v === null || v === undefined) return null;
        if (typeof v !== 'object' || Array.isArray(v)) return fail(v, t, p);
        const o = v as Record<string, unknown>;
        let upper: Map<string, unknown> | undefined;
        const s = newStruct();
        for (const f of fields) {
          let x = Object.hasOwn(o, f.name) ? o[f.name] : undefined;
          if (x === undefined) {
            upper ??= new Map(Object.keys(o).map((k) => [k.toUpperCase(), o[k]]));
            x = upper.get(f.name);
          }
          s[f.name] = f.read(x, `${p}.${f.name}`);
        }
        return s;
      };
    }
    case 'NULL':
      return () => null;
  }
}

/** JSON text of a non-null SQL value of type t (appended to `out`). */
export function writeJson(v: unknown, t: SqlType): string {
  if (v === null || v === undefined) return 'null';
  switch (t.base) {
    case 'STRING':
      return JSON.stringify(v);
    case 'BOOLEAN':
    case 'INTEGER':
    case 'DATE':
    case 'TIME':
    case 'TIMESTAMP':
      return String(v);
    case 'BIGINT':
      return (v as bigint).toString();
    case 'DOUBLE': {
      const d = v as number;
      return Number.isFinite(d) ? javaDoubleToString(d) : JSON.stringify(javaDoubleToString(d));
    }
    case 'DECIMAL':
      return formatDecimal(v as bigint, t.scale);
    case 'BYTES':
      return JSON.stringify((v as Buffer).toString('base64'));
    case 'ARRAY': {
      const xs = v as unknown[];
      let out = '[';
      for (let i = 0; i < xs.length; i++) out += (i > 0 ? ',' : '') + writeJson(xs[i], t.element);
      return out + ']';
    }
    case 'MAP': {
      let out = '{';
      let first = true;
      for (const [k, x] of v as Map<unknown, unknown>) {
        out += (first ? '' : ',') + JSON.stringify(String(k)) + ':' + writeJson(x, t.value);
        first = false;
      }
      return out + '}';
    }
    case 'STRUCT': {
      const s = v as StructValue;
      let out = '{';
      t.fields.forEach((f, i) => {
        out += (i > 0 ? ',' : '') + JSON.stringify(f.name) + ':' + writeJson(s[f.name] ?? null, f.type);
      });
      return out + '}';
    }
    case 'NULL':
      return 'null';
  }
}
