// The Kafka message definitions as the generator reads them: the JSON shapes, the reader (which
// drops the // comments the files carry), the primitive types and how names are spelled in TypeScript.
import { readFileSync } from 'node:fs';

export interface FieldSpec {
  name: string;
  type: string;
  versions?: string;
  nullableVersions?: string;
  taggedVersions?: string;
  tag?: number;
  default?: string | number | boolean;
  about?: string;
  fields?: FieldSpec[];
}
export interface MessageSpec {
  apiKey?: number;
  type: 'request' | 'response' | 'data' | 'header';
  name: string;
  validVersions: string;
  flexibleVersions: string;
  latestVersionUnstable?: boolean;
  fields: FieldSpec[];
  commonStructs?: { name: string; versions: string; fields: FieldSpec[] }[];
}

// ---- names ----
export const camel = (s: string): string => s[0]!.toLowerCase() + s.slice(1);
export function kebab(s: string): string {
  return s
    .replace(/KRaft/g, 'Kraft')
    .replace(/([a-z0-9])([A-Z])/g, '$1-$2')
    .replace(/([A-Z]+)([A-Z][a-z])/g, '$1-$2')
    .toLowerCase();
}
export const docText = (s: string): string => s.replace(/\*\//g, '*\\/').replace(/\s+/g, ' ').trim();

export const PRIMITIVES: Record<string, { ts: string; fixed?: number }> = {
  bool: { ts: 'boolean', fixed: 1 },
  int8: { ts: 'number', fixed: 1 },
  int16: { ts: 'number', fixed: 2 },
  uint16: { ts: 'number', fixed: 2 },
  int32: { ts: 'number', fixed: 4 },
  uint32: { ts: 'number', fixed: 4 },
  int64: { ts: 'bigint', fixed: 8 },
  float64: { ts: 'number', fixed: 8 },
  uuid: { ts: 'string', fixed: 16 },
  string: { ts: 'string' },
  bytes: { ts: 'Buffer' },
  records: { ts: 'RecordsView' }, // a Buffer, marked so encoders may take a chunk list
};
export const ELEMENT_NAME: Record<string, string> = {
  int8: 'Int8',
  int16: 'Int16',
  int32: 'Int32',
  int64: 'Int64',
  uuid: 'Uuid',
};

export function readSpec(path: string): MessageSpec {
  const text = readFileSync(path, 'utf8')
    .split('\n')
    .filter((l) => !l.trim().startsWith('//'))
    .join('\n');
  const spec = JSON.parse(text) as MessageSpec;
  // Kafka 4 keeps removed inter-broker APIs as stubs: validVersions "none" and no fields.
  spec.fields ??= [];
  // A few definitions spell tags as strings ("tag": "0").
  const normalize = (fields: FieldSpec[]): void => {
    for (const f of fields) {
      if (f.tag !== undefined) f.tag = Number(f.tag);
      if (f.fields) normalize(f.fields);
    }
  };
  normalize(spec.fields);
  for (const c of spec.commonStructs ?? []) normalize(c.fields);
  return spec;
}
