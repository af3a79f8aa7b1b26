// The message browser's filter language (src/gateway/console-api/filter-expression.ts): what it
// matches, and that any input either parses or is refused with FilterSyntaxError (never another
// exception, never evaluated as code), within its length and depth bounds.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import fc from 'fast-check';
import { FilterSyntaxError, evaluateFilter, parseFilter } from '../../src/gateway/console-api/filter-expression.js';
import type { FetchedRecord } from '../../src/client/index.js';

const record = (over: Partial<FetchedRecord> = {}): FetchedRecord => ({
  topic: 't',
  partition: 1,
  offset: 42n,
  timestamp: 1_700_000_000_000n,
  key: Buffer.from('alice'),
  value: Buffer.from(JSON.stringify({ amount: 120, customer: { name: 'Alice', tier: 'gold' }, tags: ['a'] })),
  headers: [[Buffer.from('source'), Buffer.from('web')]],
  ...over,
});

const matches = (expr: string, r = record()): boolean => evaluateFilter(parseFilter(expr), r);

test('fields, operators and combinations', () => {
  assert.equal(matches('key == "alice"'), true);
  assert.equal(matches('key != "alice"'), false);
  assert.equal(matches('value contains "gold"'), true);
  assert.equal(matches('key startsWith "al" && key endsWith "ce"'), true);
  assert.equal(matches('value.amount >= 100'), true);
  assert.equal(matches('value.amount < 100'), false);
  assert.equal(matches('value.customer.tier == "gold"'), true);
  assert.equal(matches('value.customer.missing'), false);
  assert.equal(matches('header.source == "web" && partition == 1 && offset > 40'), true);
  assert.equal(matches('header.trace'), false);
  assert.equal(matches('!(header.source == "web") || timestamp < 0'), false);
  assert.equal(matches('key == "bob" || value.amount == 120'), true);
  // && binds tighter than ||.
  assert.equal(matches('key == "bob" && partition == 1 || offset == 42'), true);
  assert.equal(matches('key == "bob" && (partition == 1 || offset == 42)'), false);
  assert.equal(matches('value == null', record({ value: null })), true, 'tombstones: a null value equals null');
  assert.equal(matches('value == null'), false);
  assert.equal(matches('value', record({ value: null })), false, 'a bare field is true only when present and not null');
  assert.equal(matches('value.amount > 1', record({ value: Buffer.from('not json') })), false);
  // Prototype properties are not fields of the record's JSON.
  assert.equal(matches('value.constructor'), false);
  assert.equal(matches('value.__proto__'), false);
});

test('bad filters are FilterSyntaxError with a message', () => {
  for (const bad of ['', 'key ==', 'key = "a"', 'nope == 1', '(key == "a"', 'key == "a")', 'key == bare', 'process.exit(1)', '"a" == key', 'header.', 'key == "a" &&', '!'.repeat(40) + 'key', 'x'.repeat(2000)]) {
    assert.throws(() => parseFilter(bad), FilterSyntaxError, bad.slice(0, 40));
  }
});

test('any input parses or is refused with FilterSyntaxError, and evaluating never throws', () => {
  const pieces = fc.constantFrom('key', 'value', 'value.a', 'header.h', 'partition', '==', '!=', 'contains', '>', '<=', '&&', '||', '!', '(', ')', '"x"', '1', 'null', 'true', ' ', '"', '\\', '=', '&', '|');
  fc.assert(
    fc.property(fc.array(pieces, { maxLength: 30 }), fc.string({ maxLength: 10 }), (parts, noise) => {
      const text = parts.join(' ') + noise;
      let tree;
      try {
        tree = parseFilter(text);
      } catch (e) {
        assert.ok(e instanceof FilterSyntaxError, `${text}: ${String(e)}`);
        return;
      }
      assert.equal(typeof evaluateFilter(tree, record()), 'boolean');
    }),
    { numRuns: 2000 },
  );
});
