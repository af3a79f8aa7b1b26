// A ByteWriter for gather (vectored) output: every byte except the content of `records` fields is
// written into one Buffer; each records field's content is left out of it and remembered as the
// caller's own Buffers, so a Fetch response can go to the socket with one writev and the stored
// record batches are never copied (docs/ARCHITECTURE.md, "Performance notes: Fetch").
//
// The Buffer handed to the constructor must be sized for the frame minus the records content
// (headers.ts: encodeResponseFrameGather sizes it with takeRecordsContentBytes()).
//
//   buf:     [ size | header | ... len ][ ... len ][ ... tail ]
//   chunks:  buf[0, a)  records0...  buf[a, b)  records1...  buf[b, end)
import { ByteWriter, isChunkList, type RecordsInput } from './byte-writer.js';

interface Cut {
  /** Position in `buf` where the records content belongs. */
  at: number;
  chunks: readonly Buffer[];
}

export class GatherWriter extends ByteWriter {
  private readonly cuts: Cut[] = [];

  /** Writes the length prefix only; the content is remembered as a cut at the current position. */
  protected override recordsContent(b: RecordsInput): void {
    const chunks = isChunkList(b) ? b : [b];
    if (chunks.length > 0) this.cuts.push({ at: this.pos, chunks });
  }

  /**
   * The frame as a list for writev: slices of `buf` (no copies) with the records chunks between
   * them, in order. Empty pieces are left out. Call after the whole message is written.
   */
  chunks(): Buffer[] {
    const out: Buffer[] = [];
    let from = 0;
    for (const cut of this.cuts) {
      if (cut.at > from) out.push(this.buf.subarray(from, cut.at));
      for (const c of cut.chunks) if (c.length > 0) out.push(c);
      from = cut.at;
    }
    if (this.pos > from) out.push(this.buf.subarray(from, this.pos));
    return out;
  }
}
