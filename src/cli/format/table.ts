// Aligned, space-separated tables like rpk's: an upper-case header row, then one row per item.
// Plain text without borders so `awk`/`cut` can read them too.
import { visibleLength, type Style } from './style.js';

export type Cell = string | number | bigint | null | undefined;

export function renderTable(headers: readonly string[], rows: readonly (readonly Cell[])[], style: Style): string {
  const text = rows.map((r) => headers.map((_, i) => cellText(r[i])));
  const widths = headers.map((h, i) => Math.max(h.length, ...text.map((r) => visibleLength(r[i] ?? ''))));
  const line = (cells: readonly string[]): string =>
    cells
      .map((c, i) => (i === cells.length - 1 ? c : c + ' '.repeat(widths[i]! - visibleLength(c))))
      .join('  ')
      .trimEnd();
  return [style.bold(line(headers)), ...text.map(line)].join('\n') + '\n';
}

function cellText(c: Cell): string {
  if (c === null || c === undefined) return '-';
  return String(c);
}

/** "Key: value" lines with the keys padded to one width. */
export function renderFields(fields: readonly [string, Cell][], style: Style): string {
  const width = Math.max(...fields.map(([k]) => k.length));
  return fields.map(([k, v]) => `${style.bold(k.padEnd(width))}  ${cellText(v)}`).join('\n') + '\n';
}

/** Bytes in the units people read: 512 B, 1.5 KiB, 2.0 MiB. */
export function formatBytes(n: number | bigint): string {
  let v = Number(n);
  const units = ['B', 'KiB', 'MiB', 'GiB', 'TiB'];
  let u = 0;
  while (v >= 1024 && u < units.length - 1) {
    v /= 1024;
    u++;
  }
  return u === 0 ? `${v} B` : `${v.toFixed(1)} ${units[u]}`;
}

/** "1 record", "2 records", "1,000 records": a count with its noun, singular only for exactly one. */
export function plural(n: number | bigint, noun: string, pluralNoun = `${noun}s`): string {
  const count = typeof n === 'bigint' ? n.toLocaleString('en-US') : n.toLocaleString('en-US');
  return `${count} ${n === 1 || n === 1n ? noun : pluralNoun}`;
}
