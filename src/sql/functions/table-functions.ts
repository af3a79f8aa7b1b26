// Table functions (table-functions.md): each input row becomes zero or more output rows, one per
// element the function returns. EXPLODE flattens an array; CUBE_EXPLODE yields every combination
// of the array's elements with some replaced by NULL (a cube, 2^n rows).

import { array, type SqlType } from '../types/sql-type.js';
import type { TableFunction } from './registry.js';

const explode: TableFunction = {
  name: 'EXPLODE',
  description: 'One output row per element of the array.',
  signatures: ['EXPLODE(ARRAY<T>)'],
  resolve: ([t]) => (t && t.base === 'ARRAY' ? { returns: t.element, impl: (a) => (a === null ? [] : (a as unknown[])) } : undefined),
};

const cubeExplode: TableFunction = {
  name: 'CUBE_EXPLODE',
  description: 'One output row per combination of the elements, each either kept or NULL.',
  signatures: ['CUBE_EXPLODE(ARRAY<T>)'],
  resolve: ([t]) => {
    if (!t || t.base !== 'ARRAY') return undefined;
    const element: SqlType = t.element;
    return {
      returns: array(element),
      impl: (a) => {
        if (a === null) return [];
        const xs = a as unknown[];
        const out: unknown[][] = [];
        for (let mask = (1 << xs.length) - 1; mask >= 0; mask--) {
          out.push(xs.map((x, i) => (mask & (1 << (xs.length - 1 - i)) ? x : null)));
        }
        // Duplicates (from NULL elements) appear once, as in ksqlDB.
        const seen = new Set<string>();
        return out.filter((row) => {
          const k = JSON.stringify(row, (_k, v: unknown) => (typeof v === 'bigint' ? `${v}n` : v));
          if (seen.has(k)) return false;
          seen.add(k);
          return true;
        });
      },
    };
  },
};

export const tableFunctions: TableFunction[] = [explode, cubeExplode];
