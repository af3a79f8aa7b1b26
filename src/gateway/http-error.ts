// Errors the gateway answers with, in Confluent's shape: an HTTP status and a JSON body
// `{ "error_code": <int>, "message": <string> }`. REST Proxy and Schema Registry both use
// five-digit codes whose first three digits are the HTTP status (40401 = 404 + "topic not
// found"), and plain three-digit codes (404, 415, 422 ...) where no finer code exists.
// The codes below are the ones Confluent's servers send (kafka-rest's and schema-registry's
// Errors classes); clients such as confluent-kafka's SchemaRegistryClient branch on them.

export class HttpError extends Error {
  override readonly name = 'HttpError';
  constructor(
    readonly status: number,
    readonly errorCode: number,
    message: string,
  ) {
    super(message);
  }

  body(): { error_code: number; message: string } {
    return { error_code: this.errorCode, message: this.message };
  }
}

/** REST Proxy (kafka-rest) codes. */
export const rest = {
  topicNotFound: () => new HttpError(404, 40401, 'Topic not found.'),
  partitionNotFound: () => new HttpError(404, 40402, 'Partition not found.'),
  consumerInstanceNotFound: () => new HttpError(404, 40403, 'Consumer instance not found.'),
  leaderNotAvailable: () => new HttpError(404, 40404, 'Leader not available.'),
  consumerFormatMismatch: () => new HttpError(406, 40601, 'The requested embedded data format does not match the deserializer for this consumer instance'),
  consumerAlreadySubscribed: () =>
    new HttpError(409, 40901, 'Consumer cannot subscribe the the specified target because it has already subscribed to other topics.'),
  consumerAlreadyExists: () => new HttpError(409, 40902, 'Consumer with specified consumer ID already exists in the specified consumer group.'),
  illegalState: (why: string) => new HttpError(409, 40903, `Illegal state: ${why}`),
  keySchemaMissing: () => new HttpError(422, 42201, 'Request includes keys but does not include key schema'),
  valueSchemaMissing: () => new HttpError(422, 42202, 'Request includes values but does not include value schema'),
  jsonConversion: (why: string) => new HttpError(422, 42203, `Conversion of JSON to Avro failed: ${why}`),
  invalidConsumerConfig: (why: string) => new HttpError(422, 42204, `Invalid consumer configuration: ${why}`),
  invalidSchema: (why: string) => new HttpError(422, 42205, `Invalid schema: ${why}`),
  kafka: (why: string) => new HttpError(500, 50002, `Kafka error: ${why}`),
  kafkaRetriable: (why: string) => new HttpError(500, 50003, `Retriable Kafka error: ${why}`),
  tooManyConsumers: () => new HttpError(503, 50301, 'Too many consumer instances; delete idle ones or raise the limit.'),
  // v3 uses the HTTP status as its error_code.
  v3: (status: number, message: string) => new HttpError(status, status, message),
  badRequest: (message: string) => new HttpError(400, 400, message),
  unprocessable: (message: string) => new HttpError(422, 422, message),
  notFound: (message = 'HTTP 404 Not Found') => new HttpError(404, 404, message),
} as const;

/** Schema Registry codes (schema-registry's Errors and RestInvalid... exceptions). */
export const registry = {
  subjectNotFound: (subject: string) => new HttpError(404, 40401, `Subject '${subject}' not found.`),
  versionNotFound: (version: number | string) => new HttpError(404, 40402, `Version ${version} not found.`),
  schemaNotFound: (what = 'Schema not found') => new HttpError(404, 40403, what),
  subjectSoftDeleted: (subject: string) =>
    new HttpError(404, 40404, `Subject '${subject}' was soft deleted.Set permanent=true to delete permanently`),
  subjectNotSoftDeleted: (subject: string) =>
    new HttpError(404, 40405, `Subject '${subject}' was not deleted first before being permanently deleted`),
  versionSoftDeleted: (subject: string, version: number) =>
    new HttpError(404, 40406, `Subject '${subject}' Version ${version} was soft deleted.Set permanent=true to delete permanently`),
  versionNotSoftDeleted: (subject: string, version: number) =>
    new HttpError(404, 40407, `Subject '${subject}' Version ${version} was not deleted first before being permanently deleted`),
  subjectCompatibilityNotConfigured: (subject: string) =>
    new HttpError(404, 40408, `Subject '${subject}' does not have subject-level compatibility configured`),
  subjectModeNotConfigured: (subject: string) => new HttpError(404, 40409, `Subject '${subject}' does not have subject-level mode configured`),
  incompatible: (messages: string[]) =>
    new HttpError(409, 409, `Schema being registered is incompatible with an earlier schema for subject; ${messages.join('; ')}`),
  invalidSchema: (why: string) => new HttpError(422, 42201, `Invalid schema ${why}`),
  invalidVersion: (version: string) =>
    new HttpError(422, 42202, `The specified version '${version}' is not a valid version id. Allowed values are between [1, 2^31-1] and the string "latest"`),
  invalidCompatibility: (level: string) =>
    new HttpError(422, 42203, `Invalid compatibility level. Valid values are none, backward, forward, full, backward_transitive, forward_transitive, and full_transitive: ${level}`),
  invalidMode: (mode: string) => new HttpError(422, 42204, `Invalid mode. Valid values are READWRITE, READONLY, READONLY_OVERRIDE and IMPORT: ${mode}`),
  operationNotPermitted: (why: string) => new HttpError(422, 42205, why),
  referenceExists: (why: string) => new HttpError(422, 42206, why),
  store: (why: string) => new HttpError(500, 50001, `Error in the backend data store - ${why}`),
  timeout: (why: string) => new HttpError(500, 50002, `Operation timed out - ${why}`),
} as const;
