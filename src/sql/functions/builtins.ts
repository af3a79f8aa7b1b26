// The registry of built-in functions, plus whatever the user registers (udf.ts).
import { aggregateFunctions } from './aggregates.js';
import { FunctionRegistry } from './registry.js';
import { collectionFunctions } from './scalar/collections.js';
import { datetimeFunctions } from './scalar/datetime.js';
import { jsonUrlFunctions } from './scalar/json-url.js';
import { mathFunctions } from './scalar/math.js';
import { stringFunctions } from './scalar/strings.js';
import { tableFunctions } from './table-functions.js';

export function builtinRegistry(): FunctionRegistry {
  const r = new FunctionRegistry();
  for (const f of [...mathFunctions, ...collectionFunctions, ...stringFunctions, ...datetimeFunctions, ...jsonUrlFunctions]) r.addScalar(f);
  for (const f of aggregateFunctions) r.addAggregate(f);
  for (const f of tableFunctions) r.addTable(f);
  return r;
}
