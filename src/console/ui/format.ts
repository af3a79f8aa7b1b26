// Formatting for people: byte sizes, durations, and record bytes as text, JSON or hex.

export function bytes(n: number): string {
  if (n < 0) return 'unknown';
  const units = ['B', 'KiB', 'MiB', 'GiB', 'TiB'];
  let i = 0;
  while (n >= 1024 && i < units.length - 1) {
    n /= 1024;
    i++;
  }
  return `${i === 0 ? n : n.toFixed(1)} ${units[i]}`;
}

export function duration(ms: number): string {
  if (ms < 0) return 'forever';
  const s = Math.floor(ms / 1000);
  const d = Math.floor(s / 86400);
  const h = Math.floor((s % 86400) / 3600);
  const m = Math.floor((s % 3600) / 60);
  if (d > 0) return `${d}d ${h}h`;
  if (h > 0) return `${h}h ${m}m`;
  if (m > 0) return `${m}m ${s % 60}s`;
  return `${s}s`;
}

export function fromBase64(b64: string | null): Uint8Array | null {
  if (b64 === null) return null;
  const bin = atob(b64);
  const out = new Uint8Array(bin.length);
  for (let i = 0; i < bin.length; i++) out[i] = bin.charCodeAt(i);
  return out;
}

const decoder = new TextDecoder('utf-8', { fatal: false });
export function text(b: Uint8Array | null): string {
  return b === null ? '' : decoder.decode(b);
}

export function hex(b: Uint8Array | null): string {
  if (b === null) return '';
  const lines: string[] = [];
  for (let i = 0; i < b.length; i += 16) {
    const row = Array.from(b.subarray(i, i + 16), (x) => x.toString(16).padStart(2, '0')).join(' ');
    lines.push(`${i.toString(16).padStart(8, '0')}  ${row}`);
  }
  return lines.join('\n');
}

/** Parsed JSON, or undefined when the text is not JSON. */
export function json(t: string): unknown {
  try {
    return JSON.parse(t);
  } catch {
    return undefined;
  }
}

export function time(ms: number): string {
  return new Date(ms).toISOString().replace('T', ' ').replace('Z', '');
}
