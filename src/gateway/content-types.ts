// Request and response media types. REST Proxy v2 names the embedded format in the media type
// (`application/vnd.kafka.json.v2+json`: values are JSON; `.binary.`: base64; `.avro.`,
// `.jsonschema.`, `.protobuf.`: schema-registry formats) and its control requests use
// `application/vnd.kafka.v2+json`; Schema Registry uses `application/vnd.schemaregistry.v1+json`;
// v3 uses plain `application/json`. All of them are JSON on the wire, so one parser (fastify's,
// which rejects __proto__ keys) serves every one of them.
import type { FastifyInstance, FastifyReply } from 'fastify';

export const JSON_MEDIA_TYPES = /^application\/(vnd\.[a-z0-9.+-]+\+)?json$/i;

export const V2 = 'application/vnd.kafka.v2+json';
export const V2_JSON = 'application/vnd.kafka.json.v2+json';
export const V2_BINARY = 'application/vnd.kafka.binary.v2+json';
export const REGISTRY = 'application/vnd.schemaregistry.v1+json';

export type EmbeddedFormat = 'json' | 'binary' | 'avro' | 'jsonschema' | 'protobuf';
const FORMATS: readonly EmbeddedFormat[] = ['json', 'binary', 'avro', 'jsonschema', 'protobuf'];

/** The embedded format named by a v2 media type (`application/vnd.kafka.<format>.v2+json`), if any. */
export function embeddedFormat(mediaType: string | undefined): EmbeddedFormat | undefined {
  const m = /^application\/vnd\.kafka\.([a-z]+)\.v2\+json/i.exec(mediaType ?? '');
  const format = m?.[1]?.toLowerCase();
  return FORMATS.find((f) => f === format);
}

/** Every Accept alternative, in order (quality values ignored, as kafka-rest's negotiation mostly is). */
export function acceptedTypes(accept: string | undefined): string[] {
  return (accept ?? '')
    .split(',')
    .map((s) => s.split(';')[0]!.trim().toLowerCase())
    .filter((s) => s !== '');
}

export function registerJsonParsers(app: FastifyInstance): void {
  const parse = app.getDefaultJsonParser('error', 'error');
  // kafka-rest accepts an empty body where none is needed (commit all offsets, DELETE with a
  // Content-Type): an empty body parses to null instead of failing.
  const lenient: typeof parse = (request, body, done) => {
    if (String(body).trim() === '') return done(null, null);
    return parse(request, body, done);
  };
  app.removeContentTypeParser('application/json');
  app.addContentTypeParser('application/json', { parseAs: 'string' }, lenient);
  // Every vendor +json type (REST Proxy v2, Schema Registry) goes through the same parser.
  app.addContentTypeParser(/^application\/vnd\.[a-z0-9.+-]+\+json/i, { parseAs: 'string' }, lenient);
  // Schema Registry clients (e.g. the Java one) may send application/octet-stream with a JSON body.
  app.addContentTypeParser('application/octet-stream', { parseAs: 'string' }, lenient);
}

export function sendJson(reply: FastifyReply, status: number, type: string, body: unknown): FastifyReply {
  return reply.code(status).type(type).send(body);
}
