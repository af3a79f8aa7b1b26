// The schema registry's operations with Confluent's semantics and error codes, on top of the
// state the store keeps in `_schemas`:
//   register    same schema already in the subject -> its id, nothing written; else checked
//               against the subject's compatibility level and written as the next version,
//               reusing the global id of an identical schema under another subject;
//   delete      soft (versions marked deleted, still readable with ?deleted=true) and
//               permanent (only after a soft delete: tombstones, the id may disappear);
//   config/mode per subject with a global fallback.
import { HttpError, registry as err } from '../http-error.js';
import { compatibilityProblems, labelVersion } from './compatibility/compatibility.js';
import { InvalidSchemaError, parseSchema, type ParsedSchema } from './parsed-schema.js';
import type { SchemaStore, SchemasWrite } from './schema-store.js';
import { configKey, configValue, deleteSubjectKey, deleteSubjectValue, modeKey, modeValue, schemaKey, schemaValue } from './schemas-topic-codec.js';
import {
  COMPATIBILITY_LEVELS,
  DEFAULT_COMPATIBILITY,
  DEFAULT_MODE,
  MODES,
  SCHEMA_TYPES,
  type CompatibilityLevel,
  type Mode,
  type SchemaInput,
  type SchemaType,
  type SchemaVersion,
} from './schema-types.js';

const MAX_VERSION = 2147483647;

export class RegistryService {
  constructor(readonly store: SchemaStore) {}

  private get state() {
    return this.store.state;
  }

  async ready(): Promise<void> {
    try {
      await this.store.whenReady();
    } catch (e) {
      throw err.timeout(e instanceof Error ? e.message : String(e));
    }
  }

  /** Parses a request's schema; 42201 when it is not a valid schema of its type. */
  parse(input: SchemaInput): ParsedSchema {
    const schemaType = (input.schemaType ?? 'AVRO') as SchemaType;
    if (!SCHEMA_TYPES.includes(schemaType)) throw err.invalidSchema(`Unknown schema type ${String(input.schemaType)}`);
    try {
      return parseSchema(schemaType, input.schema, input.references ?? [], (s, v) => {
        const found = this.state.version(s, v);
        return found && !found.deleted ? found : undefined;
      });
    } catch (e) {
      if (e instanceof InvalidSchemaError) throw err.invalidSchema(`${e.message}`);
      throw e;
    }
  }

  parseVersion(text: string): number | 'latest' {
    if (text === 'latest' || text === '-1') return 'latest';
    const n = Number(text);
    if (!/^\d+$/.test(text) || n < 1 || n > MAX_VERSION) throw err.invalidVersion(text);
    return n;
  }

  /** A version of a subject (40401/40402 as Confluent answers). */
  getVersion(subject: string, version: number | 'latest', deleted = false): SchemaVersion {
    if (this.state.versions(subject, true).length === 0) throw err.subjectNotFound(subject);
    const all = this.state.versions(subject, deleted);
    const found = version === 'latest' ? all[all.length - 1] : all.find((v) => v.version === version);
    if (!found) {
      if (all.length === 0 && !deleted) throw err.subjectNotFound(subject);
      throw err.versionNotFound(version);
    }
    return found;
  }

  subjectVersions(subject: string, deleted: boolean): number[] {
    const all = this.state.versions(subject, deleted);
    if (all.length === 0) throw err.subjectNotFound(subject);
    return all.map((v) => v.version);
  }

  compatibilityOf(subject: string): CompatibilityLevel {
    return this.state.config(subject) ?? this.state.config(null) ?? DEFAULT_COMPATIBILITY;
  }

  modeOf(subject: string | null): Mode {
    return (subject !== null ? this.state.mode(subject) : undefined) ?? this.state.mode(null) ?? DEFAULT_MODE;
  }

  lookup(subject: string, input: SchemaInput, deleted: boolean): SchemaVersion {
    const parsed = this.parse(input);
    const versions = this.state.versions(subject, deleted);
    if (this.state.versions(subject, true).length === 0) throw err.subjectNotFound(subject);
    const id = this.state.idFor(parsed.schemaType, parsed.canonical, parsed.references);
    const found = id === undefined ? undefined : [...versions].reverse().find((v) => v.id === id);
    if (!found) throw err.schemaNotFound();
    return found;
  }

  async register(subject: string, input: SchemaInput & { id?: number | undefined; version?: number | undefined }): Promise<{ id: number; version: number }> {
    await this.ready();
    return this.store.write(() => {
      const mode = this.modeOf(subject);
      if (mode === 'READONLY' || mode === 'READONLY_OVERRIDE') throw err.operationNotPermitted(`Subject ${subject} is in read-only mode`);
      const parsed = this.parse(input);
      const live = this.state.versions(subject, false);
      const existingId = this.state.idFor(parsed.schemaType, parsed.canonical, parsed.references);
      const same = existingId === undefined ? undefined : live.find((v) => v.id === existingId);
      if (same) return { records: [], result: { id: same.id, version: same.version } };
      if (mode !== 'IMPORT') {
        if (input.id !== undefined && input.id >= 0) throw err.operationNotPermitted('Subject is not in import mode: an id cannot be given');
        const previous = live.map((v) => labelVersion(this.state.parse(v.id), v.version));
        const problems = compatibilityProblems(this.compatibilityOf(subject), parsed, previous);
        if (problems.length > 0) throw err.incompatible(problems);
      }
      const all = this.state.versions(subject, true);
      const version = input.version !== undefined && mode === 'IMPORT' ? input.version : (all[all.length - 1]?.version ?? 0) + 1;
      let id = existingId ?? this.state.nextId();
      if (mode === 'IMPORT' && input.id !== undefined && input.id >= 0) {
        const taken = this.state.schemaById(input.id);
        if (taken && taken.schema !== parsed.canonical) throw new HttpError(422, 42205, `Overwrite new schema with id ${input.id} is not permitted.`);
        id = input.id;
      }
      const v: SchemaVersion = { subject, version, id, schemaType: parsed.schemaType, schema: parsed.canonical, references: parsed.references, deleted: false };
      return { records: [{ key: schemaKey(subject, version), value: schemaValue(v) }], result: { id, version } };
    });
  }

  async deleteSubject(subject: string, permanent: boolean): Promise<number[]> {
    await this.ready();
    return this.store.write(() => {
      this.checkWritable(subject);
      const all = this.state.versions(subject, true);
      if (all.length === 0) throw err.subjectNotFound(subject);
      const live = all.filter((v) => !v.deleted);
      if (permanent) {
        if (live.length > 0) throw err.subjectNotSoftDeleted(subject);
        for (const v of all) this.checkNotReferenced(v);
        return { records: all.map((v) => ({ key: schemaKey(subject, v.version), value: null })), result: all.map((v) => v.version) };
      }
      if (live.length === 0) throw err.subjectSoftDeleted(subject);
      for (const v of live) this.checkNotReferenced(v);
      const records: SchemasWrite[] = live.map((v) => ({ key: schemaKey(subject, v.version), value: schemaValue({ ...v, deleted: true }) }));
      records.push({ key: deleteSubjectKey(subject), value: deleteSubjectValue(subject, live[live.length - 1]!.version) });
      return { records, result: live.map((v) => v.version) };
    });
  }

  async deleteVersion(subject: string, versionText: string, permanent: boolean): Promise<number> {
    await this.ready();
    const wanted = this.parseVersion(versionText);
    return this.store.write(() => {
      this.checkWritable(subject);
      if (this.state.versions(subject, true).length === 0) throw err.subjectNotFound(subject);
      const v = wanted === 'latest' ? this.state.versions(subject, permanent)[this.state.versions(subject, permanent).length - 1] : this.state.version(subject, wanted);
      if (!v) throw err.versionNotFound(versionText);
      this.checkNotReferenced(v);
      if (permanent) {
        if (!v.deleted) throw err.versionNotSoftDeleted(subject, v.version);
        return { records: [{ key: schemaKey(subject, v.version), value: null }], result: v.version };
      }
      if (v.deleted) throw err.versionSoftDeleted(subject, v.version);
      return { records: [{ key: schemaKey(subject, v.version), value: schemaValue({ ...v, deleted: true }) }], result: v.version };
    });
  }

  private checkWritable(subject: string): void {
    const mode = this.modeOf(subject);
    if (mode === 'READONLY' || mode === 'READONLY_OVERRIDE') throw err.operationNotPermitted(`Subject ${subject} is in read-only mode`);
  }

  private checkNotReferenced(v: SchemaVersion): void {
    const by = this.state.referencedBy(v.subject, v.version);
    if (by.length > 0) throw err.referenceExists(`One or more references exist to the schema {subject=${v.subject},version=${v.version}}.`);
  }

  /** Problems of `input` against the subject's versions (one, or all under the level). */
  testCompatibility(subject: string, versionText: string | undefined, input: SchemaInput): string[] {
    const parsed = this.parse(input);
    const live = this.state.versions(subject, false);
    if (versionText === undefined) {
      return compatibilityProblems(this.compatibilityOf(subject), parsed, live.map((v) => labelVersion(this.state.parse(v.id), v.version)));
    }
    const target = this.getVersion(subject, this.parseVersion(versionText));
    const level = this.compatibilityOf(subject);
    // Against one named version the level's direction applies, without transitivity.
    const single = level === 'NONE' ? 'NONE' : (level.replace('_TRANSITIVE', '') as CompatibilityLevel);
    return compatibilityProblems(single, parsed, [labelVersion(this.state.parse(target.id), target.version)]);
  }

  async setConfig(subject: string | null, level: string): Promise<CompatibilityLevel> {
    const upper = String(level).toUpperCase() as CompatibilityLevel;
    if (!COMPATIBILITY_LEVELS.includes(upper)) throw err.invalidCompatibility(String(level));
    await this.ready();
    return this.store.write(() => ({ records: [{ key: configKey(subject), value: configValue(upper) }], result: upper }));
  }

  async deleteConfig(subject: string | null): Promise<CompatibilityLevel> {
    await this.ready();
    return this.store.write(() => {
      const previous = this.state.config(subject);
      if (subject !== null && previous === undefined) throw err.subjectNotFound(subject);
      return { records: [{ key: configKey(subject), value: null }], result: previous ?? DEFAULT_COMPATIBILITY };
    });
  }

  async setMode(subject: string | null, mode: string, force: boolean): Promise<Mode> {
    const upper = String(mode).toUpperCase() as Mode;
    if (!MODES.includes(upper)) throw err.invalidMode(String(mode));
    await this.ready();
    return this.store.write(() => {
      // IMPORT is only allowed on an empty registry/subject unless forced (Confluent's rule).
      if (upper === 'IMPORT' && !force) {
        const nonEmpty = subject === null ? this.state.subjectNames(false).length > 0 : this.state.versions(subject, false).length > 0;
        if (nonEmpty) throw err.operationNotPermitted('Cannot import since found existing subjects');
      }
      return { records: [{ key: modeKey(subject), value: modeValue(upper) }], result: upper };
    });
  }

  async deleteMode(subject: string): Promise<Mode> {
    await this.ready();
    return this.store.write(() => {
      const previous = this.state.mode(subject);
      if (previous === undefined) throw err.subjectNotFound(subject);
      return { records: [{ key: modeKey(subject), value: null }], result: previous };
    });
  }
}
