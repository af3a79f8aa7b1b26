// Kafka's default partitioner for the records MQTT messages become: murmur2 of the key (the MQTT
// topic), made positive, modulo the partition count (org.apache.kafka.common.utils.Utils.murmur2,
// seed 0x9747b28c). Every message of one MQTT topic lands in one partition, so per-topic order holds
// (MQTT 5.0 §4.6), and where a Kafka producer keying by the same topic would put it. (brook/streams
// has the same function; the broker layer cannot import it.)

export function murmur2(data: Buffer): number {
  const length = data.length;
  const m = 0x5bd1e995;
  let h = (0x9747b28c ^ length) | 0;
  const words = length >> 2;
  for (let i = 0; i < words; i++) {
    const p = i * 4;
    let k = data[p]! | (data[p + 1]! << 8) | (data[p + 2]! << 16) | (data[p + 3]! << 24);
    k = Math.imul(k, m);
    k ^= k >>> 24;
    k = Math.imul(k, m);
    h = Math.imul(h, m) ^ k;
  }
  const tail = words * 4;
  const rest = length & 3;
  if (rest === 3) h ^= data[tail + 2]! << 16;
  if (rest >= 2) h ^= data[tail + 1]! << 8;
  if (rest >= 1) h = Math.imul(h ^ data[tail]!, m);
  h ^= h >>> 13;
  h = Math.imul(h, m);
  h ^= h >>> 15;
  return h | 0;
}

export function partitionForKey(key: Buffer, partitions: number): number {
  return (murmur2(key) & 0x7fffffff) % partitions;
}
