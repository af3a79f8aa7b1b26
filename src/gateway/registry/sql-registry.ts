// The gateway's schema registry as the SQL engine's (AVRO / JSON_SR formats): in-process, so the
// engine reads schemas from the registry's state (no HTTP round trip, and a by-id lookup is
// synchronous, as a deserializer needs) and registers through the same service as POST
// /subjects/{subject}/versions, with its compatibility checks.
import type { SqlSchemaRegistry } from '../../sql/formats/schema-registry.js';
import { HttpError } from '../http-error.js';
import type { RegistryService } from './registry-service.js';

/** A registry error with the HTTP status the SQL engine looks at (404: no such subject). */
class RegistryLookupError extends Error {
  constructor(
    message: string,
    readonly status: number,
  ) {
    super(message);
  }
}

export function sqlSchemaRegistry(service: RegistryService): SqlSchemaRegistry {
  return {
    async register(subject, schema, schemaType) {
      return (await service.register(subject, { schema, schemaType })).id;
    },
    async latest(subject) {
      await service.ready();
      try {
        const v = service.getVersion(subject, 'latest');
        return { id: v.id, schemaType: v.schemaType, schema: v.schema };
      } catch (e) {
        if (e instanceof HttpError) throw new RegistryLookupError(e.message, e.status);
        throw e;
      }
    },
    byIdSync(id) {
      const s = service.store.state.schemaById(id);
      if (!s) throw new RegistryLookupError(`Schema ${id} not found`, 404);
      return { id: s.id, schemaType: s.schemaType, schema: s.schema };
    },
  };
}
