// JSON Schema compatibility: can a consumer validating with `reader` accept every document that
// was valid under `writer`? Checked structurally, following the rules Confluent's registry
// applies (its "difference" types in parentheses):
//   - a type the writer allowed that the reader does not (TYPE_NARROWED, TYPE_CHANGED);
//   - enum/const values the writer allowed that the reader does not (ENUM_ARRAY_NARROWED);
//   - numeric and length bounds that tighten (MAXIMUM_DECREASED, MIN_LENGTH_INCREASED, ...);
//   - a required property the writer did not require (REQUIRED_PROPERTY_ADDED...);
//   - a property the writer allowed that a closed reader no longer has
//     (PROPERTY_REMOVED_FROM_CLOSED_CONTENT_MODEL), additionalProperties closed
//     (ADDITIONAL_PROPERTIES_NARROWED), and a property added to an open content model whose
//     schema is not "anything" (PROPERTY_ADDED_TO_OPEN_CONTENT_MODEL: old data may carry it with
//     another shape);
//   - array items, object properties, anyOf/oneOf branches and `not` recursively.
// Differing `$ref`s (and other constructs not listed) are treated as incompatible unless the
// two subschemas are equal: the check errs on the side of refusing.
import { isDeepStrictEqual } from 'node:util';

type Json = unknown;
type Obj = Record<string, Json>;

const ALL_TYPES = ['null', 'boolean', 'object', 'array', 'number', 'integer', 'string'];

function asObj(s: Json): Obj | null {
  return typeof s === 'object' && s !== null && !Array.isArray(s) ? (s as Obj) : null;
}

function isAnything(s: Json): boolean {
  if (s === true || s === undefined) return true;
  const o = asObj(s);
  if (!o) return false;
  return Object.keys(o).every((k) => ['title', 'description', '$comment', 'default', 'examples', '$id', '$schema'].includes(k));
}

function typesOf(s: Obj): Set<string> {
  const t = s.type;
  if (typeof t === 'string') return new Set([t]);
  if (Array.isArray(t)) return new Set(t.filter((x): x is string => typeof x === 'string'));
  return new Set(ALL_TYPES);
}

function allows(types: Set<string>, t: string): boolean {
  return types.has(t) || (t === 'integer' && types.has('number'));
}

const num = (v: Json): number | undefined => (typeof v === 'number' ? v : undefined);

/** Messages describing why `reader` does not accept all that `writer` accepts (empty: compatible). */
export function jsonSchemaReadProblems(reader: Json, writer: Json, path = '#'): string[] {
  const out: string[] = [];
  check(reader, writer, path, out, 0);
  return out;
}

function check(reader: Json, writer: Json, path: string, out: string[], depth: number): void {
  if (depth > 64) return void out.push(`${path}: schema nests too deeply to compare`);
  if (isDeepStrictEqual(reader, writer) || isAnything(reader) || writer === false) return;
  if (reader === false) return void out.push(`${path}: reader accepts nothing (TYPE_NARROWED)`);
  const r = asObj(reader);
  const w = asObj(writer) ?? {};
  if (!r) return void out.push(`${path}: not a schema`);
  if (r.$ref !== undefined || w.$ref !== undefined) {
    if (r.$ref !== w.$ref) out.push(`${path}: $ref changed from ${String(w.$ref)} to ${String(r.$ref)}`);
    return;
  }
  for (const key of ['anyOf', 'oneOf'] as const) {
    const rb = r[key];
    if (Array.isArray(rb)) {
      const writerBranches = Array.isArray(w.anyOf) ? w.anyOf : Array.isArray(w.oneOf) ? w.oneOf : [w];
      writerBranches.forEach((wb, i) => {
        if (!rb.some((b) => jsonSchemaReadProblems(b, wb, `${path}/${key}`).length === 0)) out.push(`${path}/${key}: writer branch ${i} is accepted by no reader branch (COMBINED_TYPE_SUBSCHEMAS_CHANGED)`);
      });
      return;
    }
  }
  if (Array.isArray(r.allOf) && !isDeepStrictEqual(r.allOf, w.allOf)) out.push(`${path}/allOf: changed (COMBINED_TYPE_SUBSCHEMAS_CHANGED)`);
  if (r.not !== undefined && !isDeepStrictEqual(r.not, w.not)) out.push(`${path}/not: changed (NOT_TYPE_EXTENDED)`);

  const rt = typesOf(r);
  const wt = typesOf(w);
  for (const t of wt) if (!allows(rt, t)) out.push(`${path}: type ${t} no longer allowed (TYPE_NARROWED)`);

  if (Array.isArray(r.enum)) {
    const writerValues = Array.isArray(w.enum) ? w.enum : w.const !== undefined ? [w.const] : null;
    if (!writerValues) out.push(`${path}: enum added (ENUM_ARRAY_NARROWED)`);
    else for (const v of writerValues) if (!r.enum.some((x) => isDeepStrictEqual(x, v))) out.push(`${path}: enum value ${JSON.stringify(v)} removed (ENUM_ARRAY_NARROWED)`);
  }
  if (r.const !== undefined && !isDeepStrictEqual(r.const, w.const)) out.push(`${path}: const changed`);

  const tighter = (key: string, lower: boolean, diff: string): void => {
    const rv = num(r[key]);
    if (rv === undefined) return;
    const wv = num(w[key]);
    if (wv === undefined || (lower ? rv > wv : rv < wv)) out.push(`${path}: ${key} tightened to ${rv} (${diff})`);
  };
  tighter('minimum', true, 'MINIMUM_INCREASED');
  tighter('exclusiveMinimum', true, 'EXCLUSIVE_MINIMUM_INCREASED');
  tighter('maximum', false, 'MAXIMUM_DECREASED');
  tighter('exclusiveMaximum', false, 'EXCLUSIVE_MAXIMUM_DECREASED');
  tighter('minLength', true, 'MIN_LENGTH_INCREASED');
  tighter('maxLength', false, 'MAX_LENGTH_DECREASED');
  tighter('minItems', true, 'MIN_ITEMS_INCREASED');
  tighter('maxItems', false, 'MAX_ITEMS_DECREASED');
  tighter('minProperties', true, 'MIN_PROPERTIES_INCREASED');
  tighter('maxProperties', false, 'MAX_PROPERTIES_DECREASED');
  if (r.pattern !== undefined && r.pattern !== w.pattern) out.push(`${path}: pattern changed (PATTERN_CHANGED)`);
  if (r.multipleOf !== undefined && r.multipleOf !== w.multipleOf) out.push(`${path}: multipleOf changed (MULTIPLE_OF_CHANGED)`);

  if (allows(rt, 'object') && allows(wt, 'object')) checkObject(r, w, path, out, depth);
  if (allows(rt, 'array') && allows(wt, 'array') && r.items !== undefined && !Array.isArray(r.items)) check(r.items, w.items, `${path}/items`, out, depth + 1);
}

function checkObject(r: Obj, w: Obj, path: string, out: string[], depth: number): void {
  const rp = asObj(r.properties) ?? {};
  const wp = asObj(w.properties) ?? {};
  const readerOpen = r.additionalProperties === undefined || r.additionalProperties === true ? true : r.additionalProperties;
  const writerOpen = w.additionalProperties !== false;
  for (const [name, ws] of Object.entries(wp)) {
    if (name in rp) check(rp[name], ws, `${path}/properties/${name}`, out, depth + 1);
    else if (readerOpen === false) out.push(`${path}/properties/${name}: removed from a closed content model (PROPERTY_REMOVED_FROM_CLOSED_CONTENT_MODEL)`);
    else if (readerOpen !== true) check(readerOpen, ws, `${path}/properties/${name}`, out, depth + 1);
  }
  for (const [name, rs] of Object.entries(rp)) {
    if (name in wp || !writerOpen || isAnything(rs)) continue;
    out.push(`${path}/properties/${name}: added to an open content model (PROPERTY_ADDED_TO_OPEN_CONTENT_MODEL)`);
  }
  if (readerOpen === false && writerOpen) out.push(`${path}: additionalProperties closed (ADDITIONAL_PROPERTIES_NARROWED)`);
  const wr = new Set(Array.isArray(w.required) ? w.required : []);
  for (const name of Array.isArray(r.required) ? r.required : []) {
    if (!wr.has(name)) out.push(`${path}/required: property ${String(name)} is now required (REQUIRED_PROPERTY_ADDED_TO_UNOPEN_CONTENT_MODEL)`);
  }
}
