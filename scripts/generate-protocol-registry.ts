// The registry module (messages/index.ts: ApiKey, apis, apiByKey, header versions, ...) and the
// compact schema description the round-trip tests walk (test/protocol/generated/message-schemas.ts).
import { parseRange } from './generate-protocol-ranges.js';
import { PRIMITIVES, camel, type FieldSpec, type MessageSpec } from './generate-protocol-spec.js';

/** What the registry needs to know of each API and data structure module. */
export interface RegistryApi {
  key: number;
  base: string;
  module: string;
}
export interface RegistryData {
  spec: MessageSpec;
  module: string;
}

/** The text of messages/index.ts. */
export function registryText(doNotEdit: string, sortedApis: readonly RegistryApi[], data: readonly RegistryData[]): string {
  const idx: string[] = [doNotEdit];
  idx.push("import type { ApiDefinition, DataDefinition, MessageCodec } from '../primitives/codec.js';");
  for (const e of sortedApis) idx.push(`import { ${camel(e.base)}Api } from './${e.module}.js';`);
  for (const d of [...data].sort((a, b) => a.module.localeCompare(b.module))) {
    idx.push(`import { ${camel(d.spec.name)}Data } from './${d.module}.js';`);
  }
  idx.push(
    '',
    '/** API keys by name. */',
    'export const ApiKey = {',
    ...sortedApis.map((e) => `  ${e.base}: ${e.key},`),
    '} as const;',
    'export type ApiKey = (typeof ApiKey)[keyof typeof ApiKey];',
    '',
    '/** Every API, typed, by name. */',
    'export const apis = {',
    ...sortedApis.map((e) => `  ${e.base}: ${camel(e.base)}Api,`),
    '} as const;',
    '',
    '/** Every API in API key order. */',
    'export const apiList: readonly ApiDefinition<unknown, unknown>[] = Object.values(apis);',
    '',
    'const byKey: (ApiDefinition<unknown, unknown> | undefined)[] = [];',
    'for (const api of apiList) byKey[api.apiKey] = api;',
    '',
    '/** The API with this key, or undefined for a key this build does not know. */',
    'export function apiByKey(apiKey: number): ApiDefinition<unknown, unknown> | undefined {',
    '  return byKey[apiKey];',
    '}',
    '',
    '/** The standalone data structures (consumer protocol, principal, KRaft control records). */',
    'export const dataStructures = {',
    ...[...data]
      .sort((a, b) => a.spec.name.localeCompare(b.spec.name))
      .map((d) => `  ${d.spec.name}: ${camel(d.spec.name)}Data,`),
    '} as const;',
    '',
    '/** Every generated message codec by spec name (e.g. "ProduceRequest", "ConsumerProtocolAssignment"). */',
    'export const messageCodecs: Readonly<Record<string, MessageCodec<unknown>>> = Object.fromEntries([',
    '  ...apiList.flatMap((a) => [',
    "    [a.name + 'Request', a.request],",
    "    [a.name + 'Response', a.response],",
    '  ]),',
    '  ...Object.values(dataStructures).map((d: DataDefinition<unknown>) => [d.name, d.codec]),',
    ']);',
    '',
    '/**',
    ' * Request header version for a request: v2 in flexible versions, else v1; ControlledShutdown v0',
    ' * alone uses v0 (it predates the client id). Unknown APIs get v1 (the header of every non-flexible request).',
    ' */',
    'export function requestHeaderVersion(apiKey: number, version: number): number {',
    '  if (apiKey === ApiKey.ControlledShutdown && version === 0) return 0;',
    '  const api = byKey[apiKey];',
    '  return api && api.firstFlexibleVersion >= 0 && version >= api.firstFlexibleVersion ? 2 : 1;',
    '}',
    '',
    '/**',
    ' * Response header version: v1 (with tagged fields) in flexible versions, else v0. ApiVersions',
    ' * responses always use v0, so a client that does not yet know our versions can parse them (KIP-511).',
    ' */',
    'export function responseHeaderVersion(apiKey: number, version: number): number {',
    '  if (apiKey === ApiKey.ApiVersions) return 0;',
    '  const api = byKey[apiKey];',
    '  return api && api.firstFlexibleVersion >= 0 && version >= api.firstFlexibleVersion ? 1 : 0;',
    '}',
  );  return idx.join('\n') + '\n';
}

export interface SchemaField {
  name: string;
  type: string;
  versions: [number, number] | null;
  nullable: [number, number] | null;
  tagged: [number, number] | null;
  tag?: number;
  default?: string;
  fields?: SchemaField[];
}
export function schemaFields(msg: MessageSpec, fields: FieldSpec[]): SchemaField[] {
  const common = new Map((msg.commonStructs ?? []).map((c) => [c.name, c.fields]));
  return fields.map((f) => {
    const elem = f.type.startsWith('[]') ? f.type.slice(2) : f.type;
    const sub = f.fields ?? common.get(elem);
    const tr = f.tag !== undefined ? parseRange(f.taggedVersions) : null;
    const out: SchemaField = {
      name: camel(f.name),
      type: PRIMITIVES[elem] ? f.type : f.type.startsWith('[]') ? '[]struct' : 'struct',
      versions: parseRange(f.versions) as [number, number] | null,
      nullable: parseRange(f.nullableVersions) as [number, number] | null,
      tagged: tr as [number, number] | null,
    };
    if (f.tag !== undefined) out.tag = f.tag;
    if (f.default !== undefined) out.default = String(f.default);
    if (!PRIMITIVES[elem]) out.fields = schemaFields(msg, sub ?? []);
    return out;
  });
}

/** One schema line per message spec, as listed in message-schemas.ts. */
export function schemaLine(spec: MessageSpec): string {
  const valid = parseRange(spec.validVersions)!;
  const flex = parseRange(spec.flexibleVersions);
  return `  ${JSON.stringify({
    name: spec.name,
    minVersion: valid[0],
    maxVersion: valid[1],
    firstFlexibleVersion: flex ? flex[0] : -1,
    fields: schemaFields(spec, spec.fields),
  })},`;
}

/** The text of message-schemas.ts from the schema lines. */
export function schemasText(doNotEdit: string, lines: readonly string[]): string {
  return [
    doNotEdit,
    '// A compact description of every generated message, walked by the round-trip tests.',
    "import type { MessageSchema } from '../message-schema.js';",
    '',
    'export const messageSchemas: MessageSchema[] = [',
    ...[...lines].sort(),
    '];',
    '',
  ].join('\n');
}
