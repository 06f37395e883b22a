import { Utf8Check } from './utf8.js';

/**
 * Text files secsli reads whole (assets.yaml, a KEV catalog, init's exports) are UTF-8. Node's
 * `readFile(…, 'utf8')` turns every byte that is not into U+FFFD without a word: a Latin-1
 * `Team: "Café"` tag selector then matched nothing, and the asset read OK with its findings
 * unmapped. These say what the bytes are instead, and where they stop being UTF-8.
 */

/** "UTF-16 (little-endian)" when the bytes start like UTF-16 text (a byte order mark, or ASCII with a NUL after each byte: what Windows PowerShell's `>` writes); else undefined. */
export function utf16KindOf(b: Uint8Array): string | undefined {
  if (b.length < 2) return undefined;
  if (b[0] === 0xff && b[1] === 0xfe) return 'UTF-16 (little-endian)';
  if (b[0] === 0xfe && b[1] === 0xff) return 'UTF-16 (big-endian)';
  if (b.length >= 4 && b[0]! > 0 && b[0]! < 0x80 && b[1] === 0 && b[2]! > 0 && b[2]! < 0x80 && b[3] === 0) return 'UTF-16 (little-endian)';
  if (b.length >= 4 && b[0] === 0 && b[1]! > 0 && b[1]! < 0x80 && b[2] === 0 && b[3]! > 0 && b[3]! < 0x80) return 'UTF-16 (big-endian)';
  return undefined;
}

export interface NotUtf8 {
  /** What the file is instead: "UTF-16 (little-endian)", or "not UTF-8". */
  kind: string;
  /** Byte offset of the first byte that is not UTF-8 (0 for UTF-16), its line and column (1-based, columns in characters). */
  offset: number;
  line: number;
  col: number;
  /** That byte, as 0xE9 (absent for UTF-16). */
  byte?: string;
  /** What to do, in one sentence. */
  hint: string;
}

const fatal = new TextDecoder('utf-8', { fatal: true, ignoreBOM: false });

/** The text, without a leading byte order mark; or where and how the bytes are not UTF-8. */
export function decodeUtf8(bytes: Uint8Array): { text: string } | { notUtf8: NotUtf8 } {
  const utf16 = utf16KindOf(bytes);
  if (utf16) return { notUtf8: { kind: utf16, offset: 0, line: 1, col: 1, hint: 'Save it as UTF-8 (PowerShell: `Out-File -Encoding utf8`, or `Set-Content -Encoding utf8`).' } };
  try {
    return { text: fatal.decode(bytes) };
  } catch {
    const offset = firstInvalid(bytes);
    const before = new TextDecoder('utf-8').decode(bytes.subarray(0, offset));
    const lines = before.split(/\r\n|\r|\n/);
    return {
      notUtf8: {
        kind: 'not UTF-8',
        offset,
        line: lines.length,
        col: Array.from(lines.at(-1)!).length + 1,
        byte: `0x${bytes[offset]!.toString(16).toUpperCase().padStart(2, '0')}`,
        hint: 'Save it as UTF-8 (it looks like Latin-1 or Windows-1252: `iconv -f latin1 -t utf-8`).',
      },
    };
  }
}

/** Offset of the first byte that is not part of a well-formed UTF-8 sequence (the exports' own check, utf8.ts). */
function firstInvalid(b: Uint8Array): number {
  const check = new Utf8Check();
  check.push(Buffer.from(b.buffer, b.byteOffset, b.byteLength));
  check.end();
  return check.first ?? b.length;
}

/** "assets.yaml: not UTF-8 (byte 0xE9 at line 4, column 22)". */
export function notUtf8Text(n: NotUtf8): string {
  return n.byte ? `${n.kind} (byte ${n.byte} at line ${n.line}, column ${n.col})` : `${n.kind}, not UTF-8`;
}
