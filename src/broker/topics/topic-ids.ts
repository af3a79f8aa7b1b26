// Topic ids travel as 16 raw bytes in storage and as Kafka's base64url text in the codec.
import { ZERO_UUID } from '../../protocol/primitives/byte-writer.js';

export function topicIdToWire(id: Buffer): string {
  return id.toString('base64url');
}

export function isZeroTopicId(id: string): boolean {
  return id === ZERO_UUID;
}

export { ZERO_UUID };
