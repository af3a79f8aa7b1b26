// The record value the crash child writes at each offset (deterministic, varying length).
export function valueFor(offset: number): Buffer {
  const len = 20 + (offset % 300);
  const b = Buffer.alloc(len);
  for (let i = 0; i < len; i++) b[i] = (offset * 31 + i) & 0xff;
  return b;
}
