// Confluent's wire format as the registry formats read it (brook/streams' wire-format.ts frames),
// with ksqlDB's error for a record that is not in it, and the SCHEMA_ID format property.

import { SqlEvaluationError } from '../errors.js';
import { frame as frameRecord, unframe as unframeRecord } from '../../streams/serdes/wire-format.js';

export const frame = frameRecord;

export function unframe(bytes: Buffer): { id: number; payload: Buffer } {
  if (bytes.length < 5 || bytes[0] !== 0) throw new SqlEvaluationError('Failed to deserialize: unknown magic byte (not in the schema registry wire format)');
  return unframeRecord(bytes);
}

/** The schema id a registry format writes with (VALUE_SCHEMA_ID / KEY_SCHEMA_ID, or the one registered for a sink). */
export function schemaIdOf(properties: Readonly<Record<string, string>>): number | undefined {
  const s = properties.SCHEMA_ID;
  return s === undefined ? undefined : Number(s);
}
