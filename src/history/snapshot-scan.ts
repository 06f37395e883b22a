/**
 * Reads a snapshot.json of any size as a stream of text chunks: returns its skeleton (the document
 * with every `assets[i].findings` array emptied) and hands each finding's text to `onFinding`, so
 * neither the file nor its findings are ever one string. A single-file (schemaVersion 1) snapshot
 * of a million findings is larger than V8's maximum string length; its skeleton is a few MB.
 *
 * A state machine over characters: it tracks strings (with escapes), the container stack and, in
 * objects, the current key, which is all it needs to find `assets[*].findings[*]`. It does not
 * validate JSON: the skeleton and each finding go through JSON.parse afterwards, which does.
 */

const OBJ = 0;
const ARR = 1;

export class SnapshotScanError extends Error {}

/** What is not findings must fit one string with room to spare: a run's assets, unmapped ids, rejects. */
const MAX_SKELETON_CHARS = 256 * 1024 * 1024;

export interface ScanResult {
  skeleton: string;
  /** Findings seen (kept or not). */
  findings: number;
}

/**
 * `onFinding(assetIndex, text)` receives each finding's JSON text with the index of its asset in
 * `assets`; without it, findings are only counted (their text is never assembled).
 */
/**
 * `until`: top-level keys the caller needs; once each has been read whole, the scan stops and the
 * skeleton is closed there (`explain` needs nothing after `assets`, where a 1M-finding run's
 * `fixes` take 190 MB). Keys it never meets (or meets in another order) only mean a longer scan.
 */
export async function scanSnapshot(chunks: AsyncIterable<string>, onFinding?: (asset: number, text: string) => void, until?: readonly string[]): Promise<ScanResult> {
  const kinds: number[] = [];
  const keys: (string | null)[] = [];
  const skeleton: string[] = [];
  let inStr = false;
  let esc = false;
  let keyStart = -1; // ≥ 0 while reading a key of an object (index in the chunk)
  let keyAcc = '';
  let expectKey = false;
  let fin = -1; // ≥ 0 inside a findings array: nesting depth below it
  let elem: string[] = [];
  let elemStart = -1;
  let skelStart = 0; // -1 while inside a findings array (its content is not skeleton)
  let asset = -1;
  let count = 0;
  let skeletonChars = 0;
  const keep = (part: string) => {
    skeleton.push(part);
    skeletonChars += part.length;
  };
  const seen = new Set<string>();
  /** A top-level value ended: true when it was the last one `until` waits for. */
  const ended = (): boolean => {
    if (!until || kinds.length !== 1 || keys[0] === null || keys[0] === undefined) return false;
    seen.add(keys[0]);
    return until.every((k) => seen.has(k));
  };

  for await (const chunk of chunks) {
    const n = chunk.length;
    for (let i = 0; i < n; i++) {
      const c = chunk.charCodeAt(i);
      if (inStr) {
        if (esc) esc = false;
        else if (c === 92) esc = true;
        else if (c === 34) {
          inStr = false;
          if (keyStart >= 0) {
            const raw = keyAcc + chunk.slice(keyStart, i);
            keys[keys.length - 1] = raw.includes('\\') ? (JSON.parse(`"${raw}"`) as string) : raw;
            keyStart = -1;
            keyAcc = '';
          }
        }
        continue;
      }
      if (c === 34) {
        inStr = true;
        if (fin < 0 && expectKey) {
          keyStart = i + 1;
          expectKey = false;
        }
        continue;
      }
      if (fin >= 0) {
        if (c === 123 || c === 91) {
          if (fin === 0) {
            if (c !== 123) throw new SnapshotScanError(`finding ${count + 1} of asset ${asset + 1} is not an object`);
            elemStart = i;
          }
          fin++;
        } else if (c === 125 || c === 93) {
          if (fin === 0) {
            // The findings array closes: its "]" is skeleton again, and so is what follows.
            fin = -1;
            skelStart = i;
          } else if (--fin === 0) {
            count++;
            if (onFinding) onFinding(asset, elem.length ? elem.join('') + chunk.slice(elemStart, i + 1) : chunk.slice(elemStart, i + 1));
            elem = [];
            elemStart = -1;
          }
        } else if (fin === 0 && c !== 44 && c !== 32 && c !== 10 && c !== 13 && c !== 9) {
          throw new SnapshotScanError(`finding ${count + 1} of asset ${asset + 1} is not an object`);
        }
        continue;
      }
      if (c === 123) {
        if (kinds.length === 2 && kinds[1] === ARR && keys[0] === 'assets') asset++;
        kinds.push(OBJ);
        keys.push(null);
        expectKey = true;
      } else if (c === 91) {
        if (kinds.length === 3 && keys[2] === 'findings' && keys[0] === 'assets' && kinds[1] === ARR && kinds[2] === OBJ) {
          fin = 0;
          keep(chunk.slice(skelStart, i + 1));
          skelStart = -1;
        } else {
          kinds.push(ARR);
          keys.push(null);
        }
      } else if (c === 125 || c === 93) {
        kinds.pop();
        keys.pop();
        expectKey = false;
        if (ended()) {
          keep(`${chunk.slice(skelStart, i + 1)}}`);
          return { skeleton: skeleton.join(''), findings: count };
        }
      } else if (c === 44) {
        if (ended()) {
          keep(`${chunk.slice(skelStart, i)}}`);
          return { skeleton: skeleton.join(''), findings: count };
        }
        expectKey = kinds[kinds.length - 1] === OBJ;
      }
    }
    if (skelStart >= 0) {
      keep(skelStart === 0 ? chunk : chunk.slice(skelStart));
      skelStart = 0;
    }
    if (skeletonChars > MAX_SKELETON_CHARS) throw new SnapshotScanError(`more than ${MAX_SKELETON_CHARS >> 20} MiB outside the assets' findings lists`);
    if (elemStart >= 0 && onFinding) {
      elem.push(elemStart === 0 ? chunk : chunk.slice(elemStart));
      elemStart = 0;
    } else if (elemStart >= 0) elemStart = 0;
    if (keyStart >= 0) {
      keyAcc += chunk.slice(keyStart);
      keyStart = 0;
    }
  }
  if (fin >= 0 || inStr) throw new SnapshotScanError('the file ends inside a findings list (truncated?)');
  return { skeleton: skeleton.join(''), findings: count };
}
