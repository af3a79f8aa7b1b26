// A cursor over one statement's tokens, with the helpers every parse rule uses, and the syntax
// errors in ksqlDB's words: "line L:C: Syntax Error" followed by what was wrong — an unknown
// statement with the closest known one, a reserved word used as an identifier, or what was
// expected where the parse stopped.

import { SqlParseError } from '../errors.js';
import type { Pos } from './ast.js';
import { isReserved, STATEMENT_STARTS } from './keywords.js';
import type { Token } from './lexer.js';

export class TokenCursor {
  protected i = 0;

  constructor(
    protected readonly tokens: readonly Token[],
    protected readonly text: string,
  ) {}

  peek(ahead = 0): Token {
    return this.tokens[Math.min(this.i + ahead, this.tokens.length - 1)]!;
  }

  next(): Token {
    const t = this.peek();
    if (t.kind !== 'eof') this.i++;
    return t;
  }

  pos(t: Token = this.peek()): Pos {
    return { line: t.line, column: t.column + 1 };
  }

  /** Is the next token the (unquoted) word `w`? */
  isWord(w: string, ahead = 0): boolean {
    const t = this.peek(ahead);
    return t.kind === 'word' && t.text === w;
  }

  isSymbol(s: string, ahead = 0): boolean {
    const t = this.peek(ahead);
    return t.kind === 'symbol' && t.text === s;
  }

  acceptWord(...words: string[]): boolean {
    for (let k = 0; k < words.length; k++) if (!this.isWord(words[k]!, k)) return false;
    this.i += words.length;
    return true;
  }

  acceptSymbol(s: string): boolean {
    if (!this.isSymbol(s)) return false;
    this.i++;
    return true;
  }

  expectWord(...words: string[]): void {
    for (const w of words) {
      if (!this.isWord(w)) this.fail(w);
      this.i++;
    }
  }

  expectSymbol(s: string): void {
    if (!this.isSymbol(s)) this.fail(`'${s}'`);
    this.i++;
  }

  /** An identifier: an unreserved word, a quoted name, a digit-identifier. */
  isIdentifier(ahead = 0): boolean {
    const t = this.peek(ahead);
    return t.kind === 'quoted' || t.kind === 'digitWord' || (t.kind === 'word' && !isReserved(t.text));
  }

  identifier(): string {
    const t = this.peek();
    if (this.isIdentifier()) {
      this.i++;
      return t.text;
    }
    if (t.kind === 'word' && isReserved(t.text)) {
      throw this.error(
        t,
        `"${t.raw}" is a reserved keyword and it can't be used as an identifier. You can use it as an identifier by escaping it as \`${t.raw}\` `,
      );
    }
    if (t.kind === 'variable') throw this.error(t, `Undefined variable '${t.text}' (define it with DEFINE ${t.text.toLowerCase()} = '...';)`);
    return this.fail('an identifier');
  }

  /** A name that may also be written as a string literal (PRINT 'topic', topic names). */
  identifierOrString(): string {
    const t = this.peek();
    if (t.kind === 'string') {
      this.i++;
      return t.text;
    }
    return this.identifier();
  }

  /** An unsigned whole number. */
  integer(what: string): number {
    const t = this.peek();
    if (t.kind !== 'integer') this.fail(what);
    this.i++;
    const n = Number(t.text);
    if (!Number.isSafeInteger(n)) throw this.error(t, `Invalid numeric literal: ${t.text}`);
    return n;
  }

  atEnd(): boolean {
    return this.peek().kind === 'eof' || this.isSymbol(';');
  }

  /** The statement text from token index `from` to the current position. */
  textFrom(fromToken: number): string {
    const start = this.tokens[fromToken]!.start;
    const end = this.tokens[Math.max(fromToken, this.i - 1)]!.end;
    return this.text.slice(start, end);
  }

  get index(): number {
    return this.i;
  }

  error(t: Token, detail: string): SqlParseError {
    return new SqlParseError(`Syntax Error\n${detail}`, { line: t.line, column: t.column + 1 });
  }

  /** Stop with "what was expected here". */
  fail(expected: string): never {
    const t = this.peek();
    if (t.kind === 'word' && isReserved(t.text) && expected === 'an identifier') throw this.identifierError(t);
    const near = t.kind === 'eof' ? '<EOF>' : t.raw;
    if (t.kind === 'eof' && /[)\]}]/.test(expected)) {
      throw this.error(t, `Syntax error at or near ";"\n'}', ']', or ')' is missing`);
    }
    throw this.error(t, `mismatched input '${near}' expecting ${expected}`);
  }

  private identifierError(t: Token): SqlParseError {
    return this.error(
      t,
      `"${t.raw}" is a reserved keyword and it can't be used as an identifier. You can use it as an identifier by escaping it as \`${t.raw}\` `,
    );
  }

  /** The first token does not start any statement: name the closest statement keyword. */
  unknownStatement(t: Token): never {
    const word = t.raw;
    let best = STATEMENT_STARTS[0]!;
    let bestDistance = Number.POSITIVE_INFINITY;
    for (const s of STATEMENT_STARTS) {
      const d = levenshtein(word.toUpperCase(), s);
      if (d < bestDistance) {
        bestDistance = d;
        best = s;
      }
    }
    throw this.error(t, `Unknown statement '${word}'\nDid you mean '${best}'?`);
  }
}

export function levenshtein(a: string, b: string): number {
  const row = Array.from({ length: b.length + 1 }, (_, j) => j);
  for (let i = 1; i <= a.length; i++) {
    let prev = row[0]!;
    row[0] = i;
    for (let j = 1; j <= b.length; j++) {
      const cur = row[j]!;
      row[j] = Math.min(row[j]! + 1, row[j - 1]! + 1, prev + (a[i - 1] === b[j - 1] ? 0 : 1));
      prev = cur;
    }
  }
  return row[b.length]!;
}
