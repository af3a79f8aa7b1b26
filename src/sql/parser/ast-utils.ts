// Walking and rewriting expression trees.

import type { Expression } from './ast.js';

/** Rebuild `e` bottom-up, replacing each node by what `f` returns for it (or the rebuilt node). */
export function mapExpression(e: Expression, f: (e: Expression) => Expression | undefined): Expression {
  const m = (x: Expression): Expression => mapExpression(x, f);
  let rebuilt: Expression;
  switch (e.kind) {
    case 'literal':
    case 'column':
    case 'timeUnit':
    case 'typedLiteral':
      rebuilt = e;
      break;
    case 'deref':
      rebuilt = { ...e, base: m(e.base) };
      break;
    case 'subscript':
      rebuilt = { ...e, base: m(e.base), index: m(e.index) };
      break;
    case 'call':
      rebuilt = { ...e, args: e.args.map(m) };
      break;
    case 'lambda':
      rebuilt = { ...e, body: m(e.body) };
      break;
    case 'negate':
      rebuilt = { ...e, operand: m(e.operand) };
      break;
    case 'arithmetic':
    case 'concat':
    case 'compare':
    case 'and':
    case 'or':
      rebuilt = { ...e, left: m(e.left), right: m(e.right) } as Expression;
      break;
    case 'distinctFrom':
      rebuilt = { ...e, left: m(e.left), right: m(e.right) };
      break;
    case 'not':
      rebuilt = { ...e, operand: m(e.operand) };
      break;
    case 'isNull':
      rebuilt = { ...e, operand: m(e.operand) };
      break;
    case 'between':
      rebuilt = { ...e, value: m(e.value), low: m(e.low), high: m(e.high) };
      break;
    case 'in':
      rebuilt = { ...e, value: m(e.value), list: e.list.map(m) };
      break;
    case 'like':
      rebuilt = { ...e, value: m(e.value), pattern: m(e.pattern) };
      break;
    case 'case':
      rebuilt = {
        ...e,
        operand: e.operand && m(e.operand),
        whens: e.whens.map((w) => ({ when: m(w.when), then: m(w.then) })),
        otherwise: e.otherwise && m(e.otherwise),
      };
      break;
    case 'cast':
      rebuilt = { ...e, operand: m(e.operand) };
      break;
    case 'arrayCtor':
      rebuilt = { ...e, items: e.items.map(m) };
      break;
    case 'mapCtor':
      rebuilt = { ...e, entries: e.entries.map((x) => ({ key: m(x.key), value: m(x.value) })) };
      break;
    case 'structCtor':
      rebuilt = { ...e, fields: e.fields.map((x) => ({ name: x.name, value: m(x.value) })) };
      break;
    case 'atTimeZone':
      rebuilt = { ...e, value: m(e.value) };
      break;
  }
  return f(rebuilt) ?? rebuilt;
}

/** Every node of `e`, parents before children. */
export function* walkExpression(e: Expression): Generator<Expression> {
  const children: Expression[] = [];
  mapExpression(e, (x) => {
    children.push(x);
    return undefined;
  });
  // mapExpression visits bottom-up; reverse for top-down.
  yield* children.reverse();
}
