// The format of the small metadata files Brook replaces whole with writeFileAtomic (topic metadata,
// dynamic broker configs, group configs, AMQP definitions, SCRAM credentials, ACLs): one UTF-8 JSON
// object whose first key is `version` and whose last is `crc32c`, the CRC-32C of the UTF-8 JSON of the
// object without that key. A torn, truncated or hand-edited file is refused whole, never half-read.
import { crc32c } from '../protocol/records/crc32c.js';

/** The file's bytes for `body` (its keys in the order given), with the CRC appended and a final newline. */
export function encodeCheckedJson(body: { version: number }): Buffer {
  const crc = crc32c(Buffer.from(JSON.stringify(body), 'utf8'));
  return Buffer.from(JSON.stringify({ ...body, crc32c: crc }) + '\n', 'utf8');
}

/**
 * The object a file holds, without its CRC, once it parses, has the expected version and its CRC matches;
 * otherwise why not ('not JSON', 'unknown version N', 'CRC-32C mismatch'). The fields' shapes are the
 * caller's to check: T only names what a valid file holds.
 */
export function decodeCheckedJson<T extends { version: number }>(buf: Buffer, version: number): T | string {
  let parsed: unknown;
  try {
    parsed = JSON.parse(buf.toString('utf8'));
  } catch {
    return 'not JSON';
  }
  if (typeof parsed !== 'object' || parsed === null || Array.isArray(parsed)) return 'not a JSON object';
  const { crc32c: stored, ...body } = parsed as Record<string, unknown>;
  if (body.version !== version) return `unknown version ${String(body.version)}`;
  if (stored !== crc32c(Buffer.from(JSON.stringify(body), 'utf8'))) return 'CRC-32C mismatch';
  return body as T;
}
