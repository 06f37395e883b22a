import { closeSync, constants, fstatSync, openSync, readFileSync } from 'node:fs';
import { open } from 'node:fs/promises';

/**
 * Reads a file secsli expects to be an ordinary file (a snapshot, the inventory, a KEV catalog).
 * A FIFO, socket or device under that name would block a read forever (`score` and `trend`
 * hanging on a FIFO named snapshot.json) or never end (/dev/zero): it is opened without blocking,
 * checked with fstat on the same descriptor (no race with a rename), and refused with code
 * ENOTREG ("not a regular file").
 */

const FLAGS = constants.O_RDONLY | (constants.O_NONBLOCK ?? 0);

class NotRegularFileError extends Error {
  readonly code = 'ENOTREG';
  constructor(readonly path: string) {
    super(`${path} is not a regular file`);
  }
}

/** The file's bytes (the caller decodes them: see text-encoding.ts). */
export async function readRegularBytes(path: string): Promise<Buffer> {
  const fh = await open(path, FLAGS);
  try {
    if (!(await fh.stat()).isFile()) throw new NotRegularFileError(path);
    return await fh.readFile();
  } finally {
    await fh.close();
  }
}

export function readRegularBytesSync(path: string): Buffer {
  const fd = openSync(path, FLAGS);
  try {
    if (!fstatSync(fd).isFile()) throw new NotRegularFileError(path);
    return readFileSync(fd);
  } finally {
    closeSync(fd);
  }
}
