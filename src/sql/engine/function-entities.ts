// SHOW FUNCTIONS and DESCRIBE FUNCTION as ksqlDB answers them (`function_names`,
// `describe_function`): built-ins (path `internal`) and the user's functions from the extension
// directory (their module's path, author and version).

import { SqlError } from '../errors.js';
import { describeParam, type FunctionRegistry } from '../functions/registry.js';
import type { FunctionOrigin } from '../functions/udf-loader.js';
import { resolveTypeAst } from '../analyzer/expression-analyzer.js';
import { parseType } from '../parser/index.js';
import { formatType, type SqlType } from '../types/sql-type.js';
import type { KsqlEntity } from './entities.js';

const BUILT_IN: FunctionOrigin = { author: 'Brook', version: '', path: 'internal' };

export function functionList(statementText: string, registry: FunctionRegistry): KsqlEntity {
  return { '@type': 'function_names', statementText, functions: registry.list(), warnings: [] };
}

interface Variant {
  arguments: Array<{ name: string; type: string; description: string; isVariadic: boolean }>;
  returnType: string;
  description: string;
  argumentTypes: string[];
}

/** The argument types of a signature text such as `SUM(DECIMAL)` or `TOPK(T, INT)`. */
function signatureTypes(sig: string): string[] {
  const inner = sig.slice(sig.indexOf('(') + 1, sig.lastIndexOf(')')).trim();
  if (inner === '' || inner === '*') return [];
  const out: string[] = [];
  let depth = 0;
  let start = 0;
  for (let i = 0; i < inner.length; i++) {
    const c = inner[i];
    if (c === '<' || c === '(') depth++;
    else if (c === '>' || c === ')') depth--;
    else if (c === ',' && depth === 0) {
      out.push(inner.slice(start, i).trim());
      start = i + 1;
    }
  }
  out.push(inner.slice(start).trim());
  return out;
}

function concrete(text: string): SqlType | undefined {
  try {
    return resolveTypeAst(parseType(text), () => undefined);
  } catch {
    return undefined;
  }
}

export function describeFunction(statementText: string, name: string, registry: FunctionRegistry, origins: ReadonlyMap<string, FunctionOrigin>): KsqlEntity {
  const upper = name.toUpperCase();
  const origin = origins.get(upper) ?? BUILT_IN;
  const scalar = registry.scalar(upper);
  const aggregate = registry.aggregate(upper);
  const table = registry.table(upper);
  let variants: Variant[];
  let type: string;
  let description: string;
  if (scalar) {
    type = 'SCALAR';
    description = scalar.description;
    variants = scalar.overloads.map((o) => {
      const types = o.params.map(describeParam);
      return {
        arguments: types.map((t, i) => ({ name: '', type: t, description: '', isVariadic: o.variadic === true && i === types.length - 1 })),
        returnType: typeof o.returns === 'function' ? 'T' : formatType(o.returns),
        description: o.description ?? scalar.description,
        argumentTypes: types,
      };
    });
  } else if (aggregate || table) {
    const f = (aggregate ?? table)!;
    type = aggregate ? 'AGGREGATE' : 'TABLE';
    description = f.description;
    variants = f.signatures.map((sig) => {
      const types = signatureTypes(sig);
      const resolved = types.map(concrete);
      let returnType = '';
      if (resolved.every((t) => t !== undefined)) {
        const r = aggregate ? aggregate.resolve(resolved as SqlType[], []) : table!.resolve(resolved as SqlType[]);
        if (r) returnType = formatType(r.returns);
      }
      return { arguments: types.map((t) => ({ name: '', type: t, description: '', isVariadic: false })), returnType, description: f.description, argumentTypes: types };
    });
  } else {
    throw new SqlError(`Can't find any functions with the name '${upper}'`);
  }
  return { '@type': 'describe_function', statementText, name: upper, description, author: origin.author, version: origin.version, path: origin.path, functions: variants, type, warnings: [] };
}
