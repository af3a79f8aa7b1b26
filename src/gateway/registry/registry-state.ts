// The registry's state as the `_schemas` topic describes it, rebuilt by applying its records in
// order (the last record of a key wins, as compaction keeps it). Pure: no I/O; the store feeds
// it records and the service asks it questions.
import { parseSchema, type ParsedSchema } from './parsed-schema.js';
import type { SchemasRecord } from './schemas-topic-codec.js';
import type { CompatibilityLevel, Mode, SchemaReference, SchemaType, SchemaVersion } from './schema-types.js';

export interface SchemaById {
  id: number;
  schemaType: SchemaType;
  schema: string;
  references: SchemaReference[];
}

/** Identity of a schema across subjects: same type, same canonical text, same references. */
export function contentKey(schemaType: SchemaType, canonical: string, references: readonly SchemaReference[]): string {
  return `${schemaType}\u0000${canonical}\u0000${JSON.stringify(references.map((r) => [r.name, r.subject, r.version]))}`;
}

export class RegistryState {
  private readonly subjects = new Map<string, Map<number, SchemaVersion>>();
  private readonly ids = new Map<number, SchemaById>();
  private readonly idByContent = new Map<string, number>();
  private readonly configs = new Map<string | null, CompatibilityLevel>();
  private readonly modes = new Map<string | null, Mode>();
  private readonly parsed = new Map<number, ParsedSchema>();
  private highestId = 0;

  apply(record: SchemasRecord): void {
    switch (record.kind) {
      case 'SCHEMA': {
        const versions = this.subjects.get(record.subject) ?? new Map<number, SchemaVersion>();
        if (record.value === null) {
          const gone = versions.get(record.version);
          versions.delete(record.version);
          if (versions.size === 0) this.subjects.delete(record.subject);
          if (gone && this.usesOf(gone.id).length === 0) this.forgetId(gone);
        } else {
          versions.set(record.version, record.value);
          this.highestId = Math.max(this.highestId, record.value.id);
          if (!this.ids.has(record.value.id)) {
            const v = record.value;
            this.ids.set(v.id, { id: v.id, schemaType: v.schemaType, schema: v.schema, references: v.references });
            this.idByContent.set(contentKey(v.schemaType, v.schema, v.references), v.id);
          }
        }
        if (versions.size === 0) this.subjects.delete(record.subject);
        else this.subjects.set(record.subject, versions);
        return;
      }
      case 'CONFIG':
        if (record.level === null) this.configs.delete(record.subject);
        else this.configs.set(record.subject, record.level);
        return;
      case 'MODE':
        if (record.mode === null) this.modes.delete(record.subject);
        else this.modes.set(record.subject, record.mode);
        return;
      default:
        return;
    }
  }

  private forgetId(gone: SchemaVersion): void {
    this.ids.delete(gone.id);
    this.parsed.delete(gone.id);
    this.idByContent.delete(contentKey(gone.schemaType, gone.schema, gone.references));
  }

  /** The id after the highest ever seen (ids are never reused, even after a hard delete). */
  nextId(): number {
    return this.highestId + 1;
  }

  idFor(schemaType: SchemaType, canonical: string, references: readonly SchemaReference[]): number | undefined {
    return this.idByContent.get(contentKey(schemaType, canonical, references));
  }

  schemaById(id: number): SchemaById | undefined {
    return this.ids.get(id);
  }

  /** Subjects with at least one version (live ones only unless `deleted`). */
  subjectNames(deleted: boolean): string[] {
    return [...this.subjects]
      .filter(([, versions]) => deleted || [...versions.values()].some((v) => !v.deleted))
      .map(([s]) => s)
      .sort();
  }

  /** The subject's versions in order (live only unless `deleted`). */
  versions(subject: string, deleted: boolean): SchemaVersion[] {
    return [...(this.subjects.get(subject)?.values() ?? [])].filter((v) => deleted || !v.deleted).sort((a, b) => a.version - b.version);
  }

  hasSubject(subject: string): boolean {
    return this.subjects.has(subject);
  }

  version(subject: string, version: number): SchemaVersion | undefined {
    return this.subjects.get(subject)?.get(version);
  }

  /** Every version that uses schema `id`. */
  usesOf(id: number): SchemaVersion[] {
    const out: SchemaVersion[] = [];
    for (const versions of this.subjects.values()) for (const v of versions.values()) if (v.id === id) out.push(v);
    return out.sort((a, b) => a.subject.localeCompare(b.subject) || a.version - b.version);
  }

  /** Ids of live schemas that reference subject/version. */
  referencedBy(subject: string, version: number): number[] {
    const ids = new Set<number>();
    for (const versions of this.subjects.values()) {
      for (const v of versions.values()) if (!v.deleted && v.references.some((r) => r.subject === subject && r.version === version)) ids.add(v.id);
    }
    return [...ids].sort((a, b) => a - b);
  }

  config(subject: string | null): CompatibilityLevel | undefined {
    return this.configs.get(subject);
  }

  mode(subject: string | null): Mode | undefined {
    return this.modes.get(subject);
  }

  /** The parsed schema of `id` (cached); references resolve against the current state. */
  parse(id: number): ParsedSchema {
    let p = this.parsed.get(id);
    if (!p) {
      const s = this.ids.get(id);
      if (!s) throw new RangeError(`no schema with id ${id}`);
      p = parseSchema(s.schemaType, s.schema, s.references, (subject, version) => this.version(subject, version));
      this.parsed.set(id, p);
    }
    return p;
  }
}
