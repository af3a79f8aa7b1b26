// The parser's entry points: one statement, or a script of several.
import type { Statement } from './ast.js';
import { splitStatements, substituteVariables } from './splitter.js';
import { StatementParser } from './statement-parser.js';

export type * from './ast.js';
export { splitStatements, substituteVariables, isComplete } from './splitter.js';
export { isReserved } from './keywords.js';

/** Parse exactly one statement (its semicolon is optional). */
export function parseStatement(text: string): Statement {
  return new StatementParser(text).parseOne();
}

/** Parse a script: every statement in order, substituting `${variables}` from `variables`. */
export function parseScript(script: string, variables: ReadonlyMap<string, string> = new Map()): Statement[] {
  return splitStatements(script).map((s) => parseStatement(substituteVariables(s, variables)));
}
