// The lexer of ksqlDB's SQL dialect (its grammar's lexer rules, SqlBase.g4): keywords and
// identifiers are case-insensitive and upper-cased, unless quoted with backticks (or double
// quotes), which keep case exactly; strings are single-quoted with '' as the escape; numbers are
// INTEGER_VALUE (digits), DECIMAL_VALUE (digits with a point) or FLOATING_POINT_VALUE (with an
// exponent); `--` and `/* */` are comments. Positions are kept for ksqlDB-style error messages
// ("line 1:15: ...", column counted from 1).

import { SqlParseError } from '../errors.js';

export type TokenKind =
  | 'word' // an unquoted identifier or keyword; `text` is upper-cased
  | 'quoted' // a backticked or double-quoted identifier; `text` is exact
  | 'digitWord' // an identifier starting with a digit (DIGIT_IDENTIFIER)
  | 'string'
  | 'integer'
  | 'decimal'
  | 'float'
  | 'variable' // ${name}, left by variable substitution (it failed to resolve)
  | 'symbol'
  | 'eof';

export interface Token {
  readonly kind: TokenKind;
  /** Normalised text: upper-cased words, unescaped strings and quoted identifiers, symbols as written. */
  readonly text: string;
  /** The exact source text of the token. */
  readonly raw: string;
  /** Offset in the statement text. */
  readonly start: number;
  readonly end: number;
  readonly line: number;
  /** 0-based, as ANTLR's charPositionInLine. */
  readonly column: number;
}

// Longest first, so '<=' wins over '<'.
const SYMBOLS = ['<=>', '->', '=>', ':=', '<>', '!=', '<=', '>=', '||', '=', '<', '>', '+', '-', '*', '/', '%', '(', ')', '[', ']', ',', '.', ';'];

function isLetter(c: string): boolean {
  return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z');
}

function isDigit(c: string): boolean {
  return c >= '0' && c <= '9';
}

function isIdentPart(c: string): boolean {
  return isLetter(c) || isDigit(c) || c === '_' || c === '@';
}

export function tokenize(text: string): Token[] {
  const tokens: Token[] = [];
  let i = 0;
  let line = 1;
  let lineStart = 0;
  const n = text.length;

  const push = (kind: TokenKind, start: number, end: number, normalised: string, tokLine: number, tokCol: number): void => {
    tokens.push({ kind, text: normalised, raw: text.slice(start, end), start, end, line: tokLine, column: tokCol });
  };
  const fail = (detail: string, at: number, atLine: number, atLineStart: number): never => {
    throw new SqlParseError(detail, { line: atLine, column: at - atLineStart + 1 });
  };
  /** Advance over text[from, to), counting newlines. */
  const advance = (to: number): void => {
    for (let j = i; j < to; j++) {
      if (text.charCodeAt(j) === 10) {
        line++;
        lineStart = j + 1;
      }
    }
    i = to;
  };

  while (i < n) {
    const c = text[i]!;
    const startLine = line;
    const startCol = i - lineStart;
    if (c === ' ' || c === '\t' || c === '\r' || c === '\n') {
      advance(i + 1);
      continue;
    }
    if (c === '-' && text[i + 1] === '-') {
      let j = i + 2;
      while (j < n && text[j] !== '\n') j++;
      advance(j);
      continue;
    }
    if (c === '/' && text[i + 1] === '*') {
      const close = text.indexOf('*/', i + 2);
      if (close < 0) fail("Syntax Error\nUnterminated comment: '*/' is missing", i, startLine, lineStart);
      advance(close + 2);
      continue;
    }
    if (c === "'") {
      let j = i + 1;
      let value = '';
      while (true) {
        if (j >= n) fail("Syntax Error\nUnterminated string literal: the closing ' is missing", i, startLine, lineStart);
        const d = text[j]!;
        if (d === "'") {
          if (text[j + 1] === "'") {
            value += "'";
            j += 2;
            continue;
          }
          break;
        }
        value += d;
        j++;
      }
      push('string', i, j + 1, value, startLine, startCol);
      advance(j + 1);
      continue;
    }
    if (c === '`' || c === '"') {
      let j = i + 1;
      let value = '';
      while (true) {
        if (j >= n) fail(`Syntax Error\nUnterminated quoted identifier: the closing ${c} is missing`, i, startLine, lineStart);
        const d = text[j]!;
        if (d === c) {
          if (text[j + 1] === c) {
            value += c;
            j += 2;
            continue;
          }
          break;
        }
        value += d;
        j++;
      }
      push('quoted', i, j + 1, value, startLine, startCol);
      advance(j + 1);
      continue;
    }
    if (c === '$' && text[i + 1] === '{') {
      const close = text.indexOf('}', i + 2);
      if (close < 0) fail("Syntax Error\nUnterminated variable reference: '}' is missing", i, startLine, lineStart);
      push('variable', i, close + 1, text.slice(i + 2, close).toUpperCase(), startLine, startCol);
      advance(close + 1);
      continue;
    }
    if (isDigit(c) || (c === '.' && isDigit(text[i + 1] ?? ''))) {
      let j = i;
      while (j < n && isDigit(text[j]!)) j++;
      // DIGIT_IDENTIFIER: digits followed by letters (e.g. 1st_col); a trailing E+digits is an exponent.
      if (j < n && (isLetter(text[j]!) || text[j] === '_' || text[j] === '@') && !isExponentAt(text, j)) {
        let k = j;
        while (k < n && isIdentPart(text[k]!)) k++;
        push('digitWord', i, k, text.slice(i, k).toUpperCase(), startLine, startCol);
        advance(k);
        continue;
      }
      let kind: TokenKind = 'integer';
      if (text[j] === '.') {
        kind = 'decimal';
        j++;
        while (j < n && isDigit(text[j]!)) j++;
      }
      if (isExponentAt(text, j)) {
        kind = 'float';
        j++;
        if (text[j] === '+' || text[j] === '-') j++;
        while (j < n && isDigit(text[j]!)) j++;
      }
      push(kind, i, j, text.slice(i, j), startLine, startCol);
      advance(j);
      continue;
    }
    if (isLetter(c) || c === '_') {
      let j = i + 1;
      while (j < n && isIdentPart(text[j]!)) j++;
      push('word', i, j, text.slice(i, j).toUpperCase(), startLine, startCol);
      advance(j);
      continue;
    }
    const sym = SYMBOLS.find((s) => text.startsWith(s, i));
    if (sym === undefined) fail(`Syntax Error\nSyntax error at or near '${c}' at line ${startLine}:${startCol + 1}`, i, startLine, lineStart);
    push('symbol', i, i + sym!.length, sym!, startLine, startCol);
    advance(i + sym!.length);
  }
  tokens.push({ kind: 'eof', text: '<EOF>', raw: '', start: n, end: n, line, column: n - lineStart });
  return tokens;
}

/** `E` or `e`, an optional sign, then at least one digit. */
function isExponentAt(text: string, j: number): boolean {
  const c = text[j];
  if (c !== 'e' && c !== 'E') return false;
  let k = j + 1;
  if (text[k] === '+' || text[k] === '-') k++;
  return isDigit(text[k] ?? '');
}
