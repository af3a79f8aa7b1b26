// Merges two releases' definitions of one message: the current release (Kafka 4.x, which
// dropped the oldest versions of many APIs, KIP-896) and a legacy release that still defined
// them (Kafka 3.9). Brook keeps serving the old versions to old clients, so the generated codec
// must cover the union: the current definition decides every version it declares, and the
// legacy one contributes only the versions below the current minimum.
//
// Rules (each checked, so a definition change that breaks them fails generation):
// - validVersions: [min(legacy stable min, current min), current max]. A legacy version is
//   stable unless `latestVersionUnstable` marks it (early-access share-group v0 is not kept).
// - A field the current definition no longer has (e.g. ListOffsets v0's OldStyleOffsets) is
//   taken from the legacy definition, at the position it had there; its versions must lie
//   below the current minimum.
// - A field both define gets its old versions back when the current definition starts it
//   later (versions, nullableVersions: union, which must stay one range).
// - A current definition with validVersions "none" (inter-broker APIs Kafka 4 removed with
//   ZooKeeper) is replaced by the legacy one.
import { MAX, parseRange, type Range } from './generate-protocol-ranges.js';
import type { FieldSpec, MessageSpec } from './generate-protocol-spec.js';

type StructSpec = { name: string; versions: string; fields: FieldSpec[] };

export function mergeSpecs(current: MessageSpec, legacy: MessageSpec | undefined): MessageSpec {
  if (!legacy) return current;
  const cur = parseRange(current.validVersions);
  if (!cur) return legacy;
  const old = stableRange(legacy);
  if (!old || old[0] >= cur[0]) return current;
  if (old[1] < cur[0] - 1) {
    throw new Error(`${current.name}: legacy versions ${fmt(old)} leave a gap below ${cur[0]}`);
  }
  const below: [number, number] = [old[0], cur[0] - 1];
  const merged: MessageSpec = {
    ...current,
    validVersions: fmt([old[0], cur[1]]),
    fields: mergeFields(current.name, current.fields, legacy.fields, below),
  };
  if (current.commonStructs || legacy.commonStructs) {
    merged.commonStructs = mergeStructs(current.name, current.commonStructs ?? [], legacy.commonStructs ?? [], below);
  }
  return merged;
}

function stableRange(spec: MessageSpec): Range {
  const r = parseRange(spec.validVersions);
  if (!r) return null;
  const hi = spec.latestVersionUnstable === true ? r[1] - 1 : r[1];
  return hi >= r[0] ? [r[0], hi] : null;
}

function mergeStructs(where: string, current: StructSpec[], legacy: StructSpec[], below: [number, number]): StructSpec[] {
  const out = current.map((s) => ({ ...s }));
  for (const l of legacy) {
    const c = out.find((s) => s.name === l.name);
    if (!c) {
      out.push(l);
      continue;
    }
    c.versions = widen(`${where}.${l.name}`, c.versions, l.versions, below) ?? c.versions;
    c.fields = mergeFields(`${where}.${l.name}`, c.fields, l.fields, below);
  }
  return out;
}

function mergeFields(where: string, current: FieldSpec[], legacy: FieldSpec[], below: [number, number]): FieldSpec[] {
  const out = current.map((f) => ({ ...f }));
  let previous: string | null = null;
  for (const l of legacy) {
    const at = out.findIndex((f) => f.name === l.name);
    if (at < 0) {
      // Only in old versions: it must not reach into the versions the current definition owns.
      const r = parseRange(l.versions);
      if (r && r[1] > below[1]) {
        throw new Error(`${where}.${l.name}: legacy-only field reaches version ${r[1]} (current starts at ${below[1] + 1})`);
      }
      const after = previous === null ? -1 : out.findIndex((f) => f.name === previous);
      out.splice(after + 1, 0, l);
    } else {
      const c = out[at]!;
      const label = `${where}.${l.name}`;
      const versions = widen(label, c.versions, l.versions, below);
      if (versions) c.versions = versions;
      const nullable = widen(label, c.nullableVersions, l.nullableVersions, below);
      if (nullable) c.nullableVersions = nullable;
      if (c.fields && l.fields) c.fields = mergeFields(label, c.fields, l.fields, below);
    }
    previous = l.name;
  }
  return out;
}

/**
 * The current range extended by the legacy range's part below the current minimum, or null when
 * nothing changes. Throws if the union is not one contiguous range.
 */
function widen(where: string, current: string | undefined, legacy: string | undefined, below: [number, number]): string | null {
  const l = parseRange(legacy);
  if (!l || l[0] > below[1]) return null;
  const oldPart: [number, number] = [Math.max(l[0], below[0]), Math.min(l[1], below[1])];
  if (oldPart[0] > oldPart[1]) return null;
  const c = parseRange(current);
  if (!c) {
    if (oldPart[1] === below[1] && l[1] > below[1]) {
      throw new Error(`${where}: current definition drops versions the legacy one still had above ${below[1]}`);
    }
    return fmt(oldPart);
  }
  if (c[0] <= oldPart[0]) return null;
  if (c[0] > oldPart[1] + 1) throw new Error(`${where}: versions ${fmt(oldPart)} and ${fmt(c)} leave a gap`);
  return fmt([oldPart[0], c[1]]);
}

function fmt(r: readonly [number, number]): string {
  if (r[1] === MAX) return `${r[0]}+`;
  return r[0] === r[1] ? `${r[0]}` : `${r[0]}-${r[1]}`;
}
