// The parser's entry points: one statement, or a script of several.
import type { Statement, TypeAst } from './ast.js';
import { ExpressionParser } from './expression-parser.js';
import { tokenize } from './lexer.js';
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

/** Parse a type on its own (`ARRAY<STRING>`, `DECIMAL(10, 2)`): user-defined function signatures. */
export function parseType(text: string): TypeAst {
  return new TypeParser(tokenize(text), text).whole();
}

class TypeParser extends ExpressionParser {
  whole(): TypeAst {
    const t = this.type();
    if (this.peek().kind !== 'eof') this.fail('the end of the type');
    return t;
  }
}
