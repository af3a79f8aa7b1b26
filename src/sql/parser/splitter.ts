// Scripts: cutting a text into statements at top-level semicolons (not inside strings, quoted
// identifiers or comments), and ksqlDB's variable substitution (`${name}`, case-insensitive,
// replaced textually before a statement is parsed, strings included; `$${` escapes it).

import { SqlError } from '../errors.js';

/** Statement texts of a script, each with its semicolon; empty pieces (only comments) are dropped. */
export function splitStatements(script: string): string[] {
  const out: string[] = [];
  let start = 0;
  let i = 0;
  const n = script.length;
  while (i < n) {
    const c = script[i]!;
    if (c === "'" || c === '`' || c === '"') {
      i++;
      while (i < n) {
        if (script[i] === c) {
          if (script[i + 1] === c) {
            i += 2;
            continue;
          }
          break;
        }
        i++;
      }
      i++;
      continue;
    }
    if (c === '-' && script[i + 1] === '-') {
      while (i < n && script[i] !== '\n') i++;
      continue;
    }
    if (c === '/' && script[i + 1] === '*') {
      const close = script.indexOf('*/', i + 2);
      i = close < 0 ? n : close + 2;
      continue;
    }
    if (c === ';') {
      pushPiece(out, script.slice(start, i + 1));
      start = i + 1;
    }
    i++;
  }
  pushPiece(out, script.slice(start));
  return out;
}

function pushPiece(out: string[], piece: string): void {
  if (stripComments(piece).trim().replace(/;$/, '').trim().length > 0) out.push(piece.trim());
}

/** Whether a statement text is unfinished: no top-level semicolon yet (the shell's multi-line input). */
export function isComplete(text: string): boolean {
  const stripped = stripComments(text).trim();
  if (stripped.length === 0) return false;
  const pieces = splitStatements(text);
  const last = pieces[pieces.length - 1];
  return last !== undefined && stripComments(last).trim().endsWith(';');
}

function stripComments(text: string): string {
  let out = '';
  let i = 0;
  const n = text.length;
  while (i < n) {
    const c = text[i]!;
    if (c === "'" || c === '`' || c === '"') {
      const from = i;
      i++;
      while (i < n) {
        if (text[i] === c) {
          if (text[i + 1] === c) {
            i += 2;
            continue;
          }
          break;
        }
        i++;
      }
      i++;
      out += text.slice(from, i);
      continue;
    }
    if (c === '-' && text[i + 1] === '-') {
      while (i < n && text[i] !== '\n') i++;
      continue;
    }
    if (c === '/' && text[i + 1] === '*') {
      const close = text.indexOf('*/', i + 2);
      i = close < 0 ? n : close + 2;
      continue;
    }
    out += c;
    i++;
  }
  return out;
}

/**
 * Replace `${name}` with the variable's value (names are case-insensitive). A reference to an
 * undefined variable stays as written, so the parser reports it where it is.
 */
export function substituteVariables(text: string, variables: ReadonlyMap<string, string>): string {
  if (!text.includes('${')) return text;
  let out = '';
  let i = 0;
  while (i < text.length) {
    if (text.startsWith('$${', i)) {
      out += '${';
      i += 3;
      continue;
    }
    if (text.startsWith('${', i)) {
      const close = text.indexOf('}', i + 2);
      if (close < 0) throw new SqlError(`Unterminated variable reference in: ${text}`);
      const name = text.slice(i + 2, close).toUpperCase();
      const value = variables.get(name);
      out += value ?? text.slice(i, close + 1);
      i = close + 1;
      continue;
    }
    out += text[i];
    i++;
  }
  return out;
}
