// Requests @platformatic/kafka 1.x has no API for (the share-group APIs of KIP-932), sent over the
// library's own connections: the body is encoded and the response decoded with Brook's protocol
// codecs (generated from Kafka's message definitions), while framing, correlation ids, timeouts and
// SASL stay the library's.
import { findCoordinatorV6, Writer, type Admin, type Connection, type Reader } from '@platformatic/kafka';
import type { ApiDefinition, MessageInput } from '../protocol/primitives/codec.js';
import { encodeMessage } from '../protocol/primitives/codec.js';
import { ByteReader } from '../protocol/primitives/byte-reader.js';

/** Sends one request (flexible versions: header v2 / response header v1) and resolves with its decoded response. */
export function sendRequest<Req, Res>(connection: Connection, api: ApiDefinition<Req, Res>, version: number, body: MessageInput<Req>): Promise<Res> {
  const flexible = api.firstFlexibleVersion >= 0 && version >= api.firstFlexibleVersion;
  const payload = encodeMessage(api.request, body, version);
  return new Promise<Res>((resolve, reject) => {
    connection.send<Res>(
      api.apiKey,
      version,
      () => Writer.create().append(payload),
      (_correlationId: number, _apiKey: number, _apiVersion: number, reader: Reader) => api.response.read(new ByteReader(reader.buffer.buffer, reader.position), version),
      flexible,
      flexible,
      (error: Error | null, response?: Res) => (error || response === undefined ? reject(error ?? new Error(`${api.name}: no response`)) : resolve(response)),
    );
  });
}

/** Kafka's topic-id text (base64url, as Brook's codecs carry it) from the library's dashed hex form. */
export function topicIdFromLibrary(id: string): string {
  return Buffer.from(id.replaceAll('-', ''), 'hex').toString('base64url');
}

/** The node coordinating `groupId` (FindCoordinator v6, key type group); throws with the Kafka error code. */
export async function findGroupCoordinator(client: Admin, groupId: string): Promise<number> {
  const metadata = await client.metadata({ topics: [] });
  const any = [...metadata.brokers.keys()][0];
  if (any === undefined) throw Object.assign(new Error('no broker in the cluster metadata'), { errorCode: -1 });
  const via = await connectionTo(client, any);
  const response = await findCoordinatorV6.api.async(via, 0, [groupId]).catch((e: { response?: { coordinators: { nodeId: number; errorCode: number }[] } }) => e.response ?? Promise.reject(e));
  const found = response.coordinators[0];
  if (!found || found.errorCode !== 0) throw Object.assign(new Error(`finding the coordinator of ${groupId} failed with Kafka error ${found?.errorCode ?? -1}`), { errorCode: found?.errorCode ?? -1 });
  return found.nodeId;
}

export async function connectionTo(client: Admin, node: number): Promise<Connection> {
  const c = (await client.connectToBrokers([node])).get(node);
  if (!c) throw Object.assign(new Error(`no connection to broker ${node}`), { errorCode: -1 });
  return c;
}
