// Schema Registry HTTP API, route for route as Confluent Schema Registry serves it (its REST API
// reference): /subjects..., /schemas..., /compatibility..., /config..., /mode..., /contexts.
// Bodies and answers are `application/vnd.schemaregistry.v1+json`; plain JSON is accepted too.
import type { FastifyInstance, FastifyReply } from 'fastify';
import { REGISTRY } from '../content-types.js';
import { registry as err } from '../http-error.js';
import type { GatewayContext } from '../context.js';
import type { RegistryService } from './registry-service.js';
import { SCHEMA_TYPES, type SchemaInput, type SchemaReference, type SchemaType, type SchemaVersion } from './schema-types.js';

const tags = ['schema registry'];
const errorBody = { type: 'object', properties: { error_code: { type: 'integer' }, message: { type: 'string' } }, required: ['error_code', 'message'] } as const;
const errorsFor = (...codes: number[]) => Object.fromEntries(codes.map((c) => [c, errorBody]));
const reference = { type: 'object', properties: { name: { type: 'string' }, subject: { type: 'string' }, version: { type: 'integer' } }, required: ['name', 'subject', 'version'] } as const;
const versionBody = {
  type: 'object',
  properties: {
    subject: { type: 'string' },
    version: { type: 'integer' },
    id: { type: 'integer' },
    schemaType: { type: 'string', enum: SCHEMA_TYPES },
    references: { type: 'array', items: reference },
    schema: { type: 'string' },
  },
  required: ['subject', 'version', 'id', 'schema'],
} as const;
const schemaRequest = {
  type: 'object',
  properties: {
    schema: { type: 'string' },
    schemaType: { type: 'string' },
    references: { type: 'array', items: { type: 'object' } },
    id: { type: 'integer' },
    version: { type: 'integer' },
  },
} as const;
const subjectParams = { type: 'object', properties: { subject: { type: 'string', minLength: 1 } }, required: ['subject'] } as const;
const subjectVersionParams = { type: 'object', properties: { subject: { type: 'string', minLength: 1 }, version: { type: 'string', minLength: 1 } }, required: ['subject', 'version'] } as const;
const idParams = { type: 'object', properties: { id: { type: 'integer', minimum: 0, maximum: 2147483647 } }, required: ['id'] } as const;
const flag = { type: 'boolean', default: false } as const;
const intList = { type: 'array', items: { type: 'integer' } } as const;
const stringList = { type: 'array', items: { type: 'string' } } as const;

type Subject = { subject: string };
type SubjectVersion = { subject: string; version: string };

export function versionJson(v: SchemaVersion): Record<string, unknown> {
  const out: Record<string, unknown> = { subject: v.subject, version: v.version, id: v.id };
  if (v.schemaType !== 'AVRO') out.schemaType = v.schemaType;
  if (v.references.length > 0) out.references = v.references;
  out.schema = v.schema;
  return out;
}

/** A request's schema fields, checked as Confluent checks them (42201 for a missing or odd schema). */
function schemaInput(body: unknown): SchemaInput & { id?: number; version?: number } {
  const b = (typeof body === 'object' && body !== null ? body : {}) as Record<string, unknown>;
  if (typeof b.schema !== 'string' || b.schema === '') throw err.invalidSchema('Empty schema');
  const schemaType = b.schemaType === undefined || b.schemaType === null ? undefined : (String(b.schemaType).toUpperCase() as SchemaType);
  const references = Array.isArray(b.references) ? (b.references as SchemaReference[]) : undefined;
  return {
    schema: b.schema,
    schemaType,
    references,
    ...(typeof b.id === 'number' ? { id: b.id } : {}),
    ...(typeof b.version === 'number' ? { version: b.version } : {}),
  };
}

export function registerRegistryRoutes(app: FastifyInstance, _ctx: GatewayContext, registry: RegistryService): void {
  const send = (reply: FastifyReply, body: unknown, status = 200) => reply.code(status).type(REGISTRY).send(body);
  const ready = () => registry.ready();
  const state = () => registry.store.state;

  app.get('/schemas/types', { schema: { tags, summary: 'Schema types this registry accepts', response: { 200: stringList } } }, async (_q, reply) => send(reply, [...SCHEMA_TYPES]));
  app.get('/contexts', { schema: { tags, summary: 'Schema contexts (only the default one)', response: { 200: stringList } } }, async (_q, reply) => send(reply, ['.']));

  app.get<{ Querystring: { subjectPrefix?: string; deleted: boolean; latestOnly: boolean } }>(
    '/schemas',
    {
      schema: {
        tags,
        summary: 'List schemas (every version of every subject)',
        querystring: { type: 'object', properties: { subjectPrefix: { type: 'string' }, deleted: flag, latestOnly: flag } },
        response: { 200: { type: 'array', items: versionBody }, ...errorsFor(500) },
      },
    },
    async (request, reply) => {
      await ready();
      const { subjectPrefix = '', deleted, latestOnly } = request.query;
      const out: Record<string, unknown>[] = [];
      for (const s of state().subjectNames(deleted)) {
        if (!s.startsWith(subjectPrefix)) continue;
        const versions = state().versions(s, deleted);
        for (const v of latestOnly ? versions.slice(-1) : versions) out.push(versionJson(v));
      }
      return send(reply, out);
    },
  );

  app.get<{ Params: { id: number }; Querystring: { subject?: string } }>(
    '/schemas/ids/:id',
    {
      schema: {
        tags,
        summary: 'The schema with a global id',
        params: idParams,
        querystring: { type: 'object', properties: { subject: { type: 'string' }, format: { type: 'string' }, fetchMaxId: flag } },
        response: {
          200: { type: 'object', properties: { schema: { type: 'string' }, schemaType: { type: 'string' }, references: { type: 'array', items: reference }, maxId: { type: 'integer' } }, required: ['schema'] },
          ...errorsFor(404, 500),
        },
      },
    },
    async (request, reply) => {
      await ready();
      const s = state().schemaById(request.params.id);
      if (!s) throw err.schemaNotFound();
      const out: Record<string, unknown> = {};
      if (s.schemaType !== 'AVRO') out.schemaType = s.schemaType;
      if (s.references.length > 0) out.references = s.references;
      out.schema = s.schema;
      return send(reply, out);
    },
  );
  app.get<{ Params: { id: number } }>(
    '/schemas/ids/:id/schema',
    { schema: { tags, summary: 'The raw schema text of a global id', params: idParams, response: { 200: {}, ...errorsFor(404, 500) } } },
    async (request, reply) => {
      await ready();
      const s = state().schemaById(request.params.id);
      if (!s) throw err.schemaNotFound();
      return reply.code(200).type(REGISTRY).send(s.schemaType === 'PROTOBUF' ? JSON.stringify(s.schema) : s.schema);
    },
  );
  app.get<{ Params: { id: number }; Querystring: { deleted: boolean } }>(
    '/schemas/ids/:id/subjects',
    { schema: { tags, summary: 'Subjects that use a schema id', params: idParams, querystring: { type: 'object', properties: { deleted: flag } }, response: { 200: stringList, ...errorsFor(404, 500) } } },
    async (request, reply) => {
      await ready();
      const uses = state().usesOf(request.params.id).filter((v) => request.query.deleted || !v.deleted);
      if (uses.length === 0) throw err.schemaNotFound();
      return send(reply, [...new Set(uses.map((v) => v.subject))]);
    },
  );
  app.get<{ Params: { id: number }; Querystring: { deleted: boolean } }>(
    '/schemas/ids/:id/versions',
    {
      schema: {
        tags,
        summary: 'Subject versions that use a schema id',
        params: idParams,
        querystring: { type: 'object', properties: { deleted: flag } },
        response: { 200: { type: 'array', items: { type: 'object', properties: { subject: { type: 'string' }, version: { type: 'integer' } } } }, ...errorsFor(404, 500) },
      },
    },
    async (request, reply) => {
      await ready();
      const uses = state().usesOf(request.params.id).filter((v) => request.query.deleted || !v.deleted);
      if (uses.length === 0) throw err.schemaNotFound();
      return send(reply, uses.map((v) => ({ subject: v.subject, version: v.version })));
    },
  );

  app.get<{ Querystring: { subjectPrefix?: string; deleted: boolean } }>(
    '/subjects',
    {
      schema: {
        tags,
        summary: 'List subjects',
        querystring: { type: 'object', properties: { subjectPrefix: { type: 'string' }, deleted: flag, deletedOnly: flag } },
        response: { 200: stringList, ...errorsFor(500) },
      },
    },
    async (request, reply) => {
      await ready();
      const prefix = request.query.subjectPrefix ?? '';
      return send(reply, state().subjectNames(request.query.deleted).filter((s) => s.startsWith(prefix)));
    },
  );
  app.get<{ Params: Subject; Querystring: { deleted: boolean } }>(
    '/subjects/:subject/versions',
    { schema: { tags, summary: "A subject's versions", params: subjectParams, querystring: { type: 'object', properties: { deleted: flag } }, response: { 200: intList, ...errorsFor(404, 500) } } },
    async (request, reply) => {
      await ready();
      return send(reply, registry.subjectVersions(request.params.subject, request.query.deleted));
    },
  );
  app.post<{ Params: Subject }>(
    '/subjects/:subject/versions',
    {
      schema: {
        tags,
        summary: 'Register a schema under a subject (returns its global id)',
        params: subjectParams,
        querystring: { type: 'object', properties: { normalize: flag } },
        body: schemaRequest,
        response: { 200: { type: 'object', properties: { id: { type: 'integer' } }, required: ['id'] }, ...errorsFor(409, 422, 500) },
      },
    },
    async (request, reply) => {
      const { id } = await registry.register(request.params.subject, schemaInput(request.body));
      return send(reply, { id });
    },
  );
  app.post<{ Params: Subject; Querystring: { deleted: boolean } }>(
    '/subjects/:subject',
    {
      schema: {
        tags,
        summary: 'Look up a schema under a subject',
        params: subjectParams,
        querystring: { type: 'object', properties: { deleted: flag, normalize: flag } },
        body: schemaRequest,
        response: { 200: versionBody, ...errorsFor(404, 422, 500) },
      },
    },
    async (request, reply) => {
      await ready();
      return send(reply, versionJson(registry.lookup(request.params.subject, schemaInput(request.body), request.query.deleted)));
    },
  );
  app.delete<{ Params: Subject; Querystring: { permanent: boolean } }>(
    '/subjects/:subject',
    { schema: { tags, summary: 'Delete a subject (soft, or permanent after a soft delete)', params: subjectParams, querystring: { type: 'object', properties: { permanent: flag } }, response: { 200: intList, ...errorsFor(404, 422, 500) } } },
    async (request, reply) => send(reply, await registry.deleteSubject(request.params.subject, request.query.permanent)),
  );
  app.get<{ Params: SubjectVersion; Querystring: { deleted: boolean } }>(
    '/subjects/:subject/versions/:version',
    { schema: { tags, summary: 'One version of a subject ("latest" allowed)', params: subjectVersionParams, querystring: { type: 'object', properties: { deleted: flag } }, response: { 200: versionBody, ...errorsFor(404, 422, 500) } } },
    async (request, reply) => {
      await ready();
      const { subject, version } = request.params;
      return send(reply, versionJson(registry.getVersion(subject, registry.parseVersion(version), request.query.deleted)));
    },
  );
  app.get<{ Params: SubjectVersion; Querystring: { deleted: boolean } }>(
    '/subjects/:subject/versions/:version/schema',
    { schema: { tags, summary: 'The raw schema text of one version', params: subjectVersionParams, querystring: { type: 'object', properties: { deleted: flag } }, response: { 200: {}, ...errorsFor(404, 422, 500) } } },
    async (request, reply) => {
      await ready();
      const v = registry.getVersion(request.params.subject, registry.parseVersion(request.params.version), request.query.deleted);
      return reply.code(200).type(REGISTRY).send(v.schemaType === 'PROTOBUF' ? JSON.stringify(v.schema) : v.schema);
    },
  );
  app.get<{ Params: SubjectVersion }>(
    '/subjects/:subject/versions/:version/referencedby',
    { schema: { tags, summary: 'Ids of schemas that reference this version', params: subjectVersionParams, response: { 200: intList, ...errorsFor(404, 422, 500) } } },
    async (request, reply) => {
      await ready();
      const v = registry.getVersion(request.params.subject, registry.parseVersion(request.params.version));
      return send(reply, state().referencedBy(v.subject, v.version));
    },
  );
  app.delete<{ Params: SubjectVersion; Querystring: { permanent: boolean } }>(
    '/subjects/:subject/versions/:version',
    {
      schema: {
        tags,
        summary: 'Delete one version (soft, or permanent after a soft delete)',
        params: subjectVersionParams,
        querystring: { type: 'object', properties: { permanent: flag } },
        response: { 200: { type: 'integer' }, ...errorsFor(404, 422, 500) },
      },
    },
    async (request, reply) => send(reply, await registry.deleteVersion(request.params.subject, request.params.version, request.query.permanent)),
  );

  const compatibilityAnswer = (problems: string[], verbose: boolean) => (verbose ? { is_compatible: problems.length === 0, messages: problems } : { is_compatible: problems.length === 0 });
  const compatResponse = { type: 'object', properties: { is_compatible: { type: 'boolean' }, messages: stringList }, required: ['is_compatible'] } as const;
  app.post<{ Params: SubjectVersion; Querystring: { verbose: boolean } }>(
    '/compatibility/subjects/:subject/versions/:version',
    {
      schema: {
        tags,
        summary: 'Test a schema against one version of a subject',
        params: subjectVersionParams,
        querystring: { type: 'object', properties: { verbose: flag, normalize: flag } },
        body: schemaRequest,
        response: { 200: compatResponse, ...errorsFor(404, 422, 500) },
      },
    },
    async (request, reply) => {
      await ready();
      return send(reply, compatibilityAnswer(registry.testCompatibility(request.params.subject, request.params.version, schemaInput(request.body)), request.query.verbose));
    },
  );
  app.post<{ Params: Subject; Querystring: { verbose: boolean } }>(
    '/compatibility/subjects/:subject/versions',
    {
      schema: {
        tags,
        summary: "Test a schema against a subject's versions under its compatibility level",
        params: subjectParams,
        querystring: { type: 'object', properties: { verbose: flag, normalize: flag } },
        body: schemaRequest,
        response: { 200: compatResponse, ...errorsFor(422, 500) },
      },
    },
    async (request, reply) => {
      await ready();
      return send(reply, compatibilityAnswer(registry.testCompatibility(request.params.subject, undefined, schemaInput(request.body)), request.query.verbose));
    },
  );
  registerConfigAndModeRoutes(app, registry, send);
}

function registerConfigAndModeRoutes(app: FastifyInstance, registry: RegistryService, send: (reply: FastifyReply, body: unknown) => FastifyReply): void {
  const levelBody = { type: 'object', properties: { compatibility: { type: 'string' }, compatibilityLevel: { type: 'string' } } } as const;
  const levelAnswer = { type: 'object', properties: { compatibilityLevel: { type: 'string' }, compatibility: { type: 'string' } } } as const;
  const modeBody = { type: 'object', properties: { mode: { type: 'string' } }, required: ['mode'] } as const;
  const modeAnswer = { type: 'object', properties: { mode: { type: 'string' } } } as const;
  const defaultToGlobal = { type: 'object', properties: { defaultToGlobal: flag } } as const;
  const levelOf = (b: { compatibility?: string; compatibilityLevel?: string }): string => b.compatibility ?? b.compatibilityLevel ?? '';

  app.get('/config', { schema: { tags, summary: 'Global compatibility level', response: { 200: levelAnswer } } }, async (_q, reply) => {
    await registry.ready();
    return send(reply, { compatibilityLevel: registry.store.state.config(null) ?? 'BACKWARD' });
  });
  app.put<{ Body: { compatibility?: string; compatibilityLevel?: string } }>(
    '/config',
    { schema: { tags, summary: 'Set the global compatibility level', body: levelBody, response: { 200: levelAnswer, ...errorsFor(422, 500) } } },
    async (request, reply) => send(reply, { compatibility: await registry.setConfig(null, levelOf(request.body ?? {})) }),
  );
  app.delete('/config', { schema: { tags, summary: 'Reset the global compatibility level', response: { 200: levelAnswer, ...errorsFor(500) } } }, async (_q, reply) =>
    send(reply, { compatibilityLevel: await registry.deleteConfig(null) }),
  );
  app.get<{ Params: Subject; Querystring: { defaultToGlobal: boolean } }>(
    '/config/:subject',
    { schema: { tags, summary: "A subject's compatibility level", params: subjectParams, querystring: defaultToGlobal, response: { 200: levelAnswer, ...errorsFor(404, 500) } } },
    async (request, reply) => {
      await registry.ready();
      const own = registry.store.state.config(request.params.subject);
      if (own === undefined && !request.query.defaultToGlobal) throw err.subjectCompatibilityNotConfigured(request.params.subject);
      return send(reply, { compatibilityLevel: own ?? registry.compatibilityOf(request.params.subject) });
    },
  );
  app.put<{ Params: Subject; Body: { compatibility?: string; compatibilityLevel?: string } }>(
    '/config/:subject',
    { schema: { tags, summary: "Set a subject's compatibility level", params: subjectParams, body: levelBody, response: { 200: levelAnswer, ...errorsFor(422, 500) } } },
    async (request, reply) => send(reply, { compatibility: await registry.setConfig(request.params.subject, levelOf(request.body ?? {})) }),
  );
  app.delete<{ Params: Subject }>(
    '/config/:subject',
    { schema: { tags, summary: "Remove a subject's own compatibility level", params: subjectParams, response: { 200: levelAnswer, ...errorsFor(404, 500) } } },
    async (request, reply) => send(reply, { compatibilityLevel: await registry.deleteConfig(request.params.subject) }),
  );

  app.get('/mode', { schema: { tags, summary: 'Global mode', response: { 200: modeAnswer } } }, async (_q, reply) => {
    await registry.ready();
    return send(reply, { mode: registry.modeOf(null) });
  });
  app.put<{ Body: { mode: string }; Querystring: { force: boolean } }>(
    '/mode',
    { schema: { tags, summary: 'Set the global mode', querystring: { type: 'object', properties: { force: flag } }, body: modeBody, response: { 200: modeAnswer, ...errorsFor(422, 500) } } },
    async (request, reply) => send(reply, { mode: await registry.setMode(null, request.body.mode, request.query.force) }),
  );
  app.get<{ Params: Subject; Querystring: { defaultToGlobal: boolean } }>(
    '/mode/:subject',
    { schema: { tags, summary: "A subject's mode", params: subjectParams, querystring: defaultToGlobal, response: { 200: modeAnswer, ...errorsFor(404, 500) } } },
    async (request, reply) => {
      await registry.ready();
      const own = registry.store.state.mode(request.params.subject);
      if (own === undefined && !request.query.defaultToGlobal) throw err.subjectModeNotConfigured(request.params.subject);
      return send(reply, { mode: own ?? registry.modeOf(null) });
    },
  );
  app.put<{ Params: Subject; Body: { mode: string }; Querystring: { force: boolean } }>(
    '/mode/:subject',
    {
      schema: { tags, summary: "Set a subject's mode", params: subjectParams, querystring: { type: 'object', properties: { force: flag } }, body: modeBody, response: { 200: modeAnswer, ...errorsFor(422, 500) } },
    },
    async (request, reply) => send(reply, { mode: await registry.setMode(request.params.subject, request.body.mode, request.query.force) }),
  );
  app.delete<{ Params: Subject }>(
    '/mode/:subject',
    { schema: { tags, summary: "Remove a subject's own mode", params: subjectParams, response: { 200: modeAnswer, ...errorsFor(404, 500) } } },
    async (request, reply) => send(reply, { mode: await registry.deleteMode(request.params.subject) }),
  );
}
