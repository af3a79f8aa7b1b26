// The records of the registry's compacted topic (`_schemas`), in Confluent Schema Registry's
// own JSON formats, so an operator recognises the topic and its keys compact the same way:
//
//   key {"keytype":"SCHEMA","subject":S,"version":V,"magic":1}
//     value {"subject":S,"version":V,"id":N,"schemaType":T?,"references":[...]?,"schema":"...","deleted":B}
//     null value (tombstone): the version was hard-deleted
//   key {"keytype":"CONFIG","subject":S|null,"magic":0}          value {"compatibilityLevel":L} | null
//   key {"keytype":"MODE","subject":S|null,"magic":0}            value {"mode":M} | null
//   key {"keytype":"DELETE_SUBJECT","subject":S,"magic":0}       value {"subject":S,"version":V}
//   key {"keytype":"NOOP","magic":0}                              (ignored)
//
// `schemaType` is left out for AVRO and `references` when empty, as Confluent writes them. Keys
// of other kinds (e.g. a newer registry's) are ignored, not failed on.
import type { CompatibilityLevel, Mode, SchemaReference, SchemaType, SchemaVersion } from './schema-types.js';

export type SchemasRecord =
  | { kind: 'SCHEMA'; subject: string; version: number; value: SchemaVersion | null }
  | { kind: 'CONFIG'; subject: string | null; level: CompatibilityLevel | null }
  | { kind: 'MODE'; subject: string | null; mode: Mode | null }
  | { kind: 'DELETE_SUBJECT'; subject: string; version: number }
  | { kind: 'IGNORED' };

export function schemaKey(subject: string, version: number): Buffer {
  return Buffer.from(JSON.stringify({ keytype: 'SCHEMA', subject, version, magic: 1 }));
}

export function schemaValue(v: SchemaVersion): Buffer {
  const body: Record<string, unknown> = { subject: v.subject, version: v.version, id: v.id };
  if (v.schemaType !== 'AVRO') body.schemaType = v.schemaType;
  if (v.references.length > 0) body.references = v.references;
  body.schema = v.schema;
  body.deleted = v.deleted;
  return Buffer.from(JSON.stringify(body));
}

export function configKey(subject: string | null): Buffer {
  return Buffer.from(JSON.stringify({ keytype: 'CONFIG', subject, magic: 0 }));
}

export function configValue(level: CompatibilityLevel): Buffer {
  return Buffer.from(JSON.stringify({ compatibilityLevel: level }));
}

export function modeKey(subject: string | null): Buffer {
  return Buffer.from(JSON.stringify({ keytype: 'MODE', subject, magic: 0 }));
}

export function modeValue(mode: Mode): Buffer {
  return Buffer.from(JSON.stringify({ mode }));
}

export function deleteSubjectKey(subject: string): Buffer {
  return Buffer.from(JSON.stringify({ keytype: 'DELETE_SUBJECT', subject, magic: 0 }));
}

export function deleteSubjectValue(subject: string, version: number): Buffer {
  return Buffer.from(JSON.stringify({ subject, version }));
}

function parse(bytes: Buffer | null): Record<string, unknown> | null {
  if (bytes === null || bytes.length === 0) return null;
  const v: unknown = JSON.parse(bytes.toString('utf8'));
  return typeof v === 'object' && v !== null && !Array.isArray(v) ? (v as Record<string, unknown>) : null;
}

const str = (v: unknown): string | null => (typeof v === 'string' ? v : null);

/** Decodes one record of the topic; throws SyntaxError on bytes that are not JSON. */
export function decodeSchemasRecord(key: Buffer | null, value: Buffer | null): SchemasRecord {
  const k = parse(key);
  if (!k) return { kind: 'IGNORED' };
  const v = parse(value);
  switch (k.keytype) {
    case 'SCHEMA': {
      const subject = str(k.subject);
      const version = Number(k.version);
      if (subject === null || !Number.isInteger(version)) return { kind: 'IGNORED' };
      if (!v) return { kind: 'SCHEMA', subject, version, value: null };
      const schemaType = (str(v.schemaType) ?? 'AVRO') as SchemaType;
      const references = Array.isArray(v.references) ? (v.references as SchemaReference[]) : [];
      return {
        kind: 'SCHEMA',
        subject,
        version,
        value: { subject, version, id: Number(v.id), schemaType, schema: str(v.schema) ?? '', references, deleted: v.deleted === true },
      };
    }
    case 'CONFIG':
      return { kind: 'CONFIG', subject: str(k.subject), level: v ? ((str(v.compatibilityLevel) ?? str(v.compatibility)) as CompatibilityLevel | null) : null };
    case 'MODE':
      return { kind: 'MODE', subject: str(k.subject), mode: v ? (str(v.mode) as Mode | null) : null };
    case 'DELETE_SUBJECT': {
      const subject = str(k.subject);
      return subject === null ? { kind: 'IGNORED' } : { kind: 'DELETE_SUBJECT', subject, version: Number(v?.version ?? 0) };
    }
    default:
      return { kind: 'IGNORED' };
  }
}
