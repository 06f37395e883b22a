import { isUtf8 } from 'node:buffer';

/**
 * Finds invalid UTF-8 in a byte stream read chunk by chunk. The decoder shows such bytes as
 * U+FFFD, which would silently change ids and titles; the reader warns instead, naming the file
 * and the byte offset. Well-formed chunks cost one `isUtf8` call (SIMD in Node); only a chunk
 * that fails is scanned byte by byte.
 */
export class Utf8Check {
  /** @param base offset in the file of the first byte pushed (a reader that starts mid-file); then, of the first byte of `carry`. */
  constructor(private base = 0) {}
  /** The start of a sequence cut by the chunk boundary, checked with the next chunk. */
  private carry: Buffer = Buffer.alloc(0);
  first: number | undefined;
  /** Bytes that are not part of a valid sequence. */
  count = 0;

  push(chunk: Buffer): void {
    const data = this.carry.length ? Buffer.concat([this.carry, chunk]) : chunk;
    const cut = completeLength(data);
    const body = data.subarray(0, cut);
    if (!isUtf8(body)) this.scan(body);
    this.base += cut;
    this.carry = Buffer.from(data.subarray(cut));
  }

  end(): void {
    if (this.carry.length) this.note(this.base); // the file ends inside a sequence
    this.carry = Buffer.alloc(0);
  }

  private note(offset: number): void {
    this.first ??= offset;
    this.count++;
  }

  private scan(b: Buffer): void {
    let i = 0;
    while (i < b.length) {
      const n = sequenceLength(b, i);
      if (n === 0) {
        this.note(this.base + i);
        i++;
      } else {
        i += n;
      }
    }
  }
}

/** Length of the valid UTF-8 sequence at `i`, or 0 when the bytes there are not one. */
function sequenceLength(b: Buffer, i: number): number {
  const c = b[i]!;
  if (c < 0x80) return 1;
  const [n, lo, hi] =
    c >= 0xc2 && c <= 0xdf
      ? [2, 0x80, 0xbf]
      : c === 0xe0
        ? [3, 0xa0, 0xbf]
        : c === 0xed
          ? [3, 0x80, 0x9f]
          : c >= 0xe1 && c <= 0xef
            ? [3, 0x80, 0xbf]
            : c === 0xf0
              ? [4, 0x90, 0xbf]
              : c >= 0xf1 && c <= 0xf3
                ? [4, 0x80, 0xbf]
                : c === 0xf4
                  ? [4, 0x80, 0x8f]
                  : [0, 0, 0];
  if (n === 0 || i + n > b.length) return 0;
  if (b[i + 1]! < lo || b[i + 1]! > hi) return 0;
  for (let k = 2; k < n; k++) if (b[i + k]! < 0x80 || b[i + k]! > 0xbf) return 0;
  return n;
}

/** Bytes of `b` that do not end inside a multi-byte sequence (a lead byte within the last 3 bytes whose sequence is cut). */
function completeLength(b: Buffer): number {
  for (let back = 1; back <= Math.min(3, b.length); back++) {
    const c = b[b.length - back]!;
    if (c < 0x80) return b.length; // ASCII: nothing cut
    if (c >= 0xc0) {
      const need = c >= 0xf0 ? 4 : c >= 0xe0 ? 3 : 2;
      return need > back ? b.length - back : b.length;
    }
  }
  return b.length;
}
