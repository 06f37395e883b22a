import { readdir, utimes, writeFile, mkdir } from 'node:fs/promises';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { TEMP_HOST } from '../../src/io/temp-names.js';
import { fsRunStore } from '../../src/store/fs.js';
import { tmp } from '../cli/run.js';

// A PID no process has (Linux's pid_max is at most 2^22).
const GONE = 4_194_304 + 17;

describe('folder store: staging files of killed runs', () => {
  it("are removed when the next state is staged: this host and gone, or a day old; another host's fresh one stays", async () => {
    const out = await tmp('secsli-staging-');
    const dir = join(out, '.secsli-state');
    await mkdir(dir);
    const now = Date.now();
    const names = {
      killedHere: `securityhub.ndjson.tmp-h${TEMP_HOST}-${GONE}-${now}-1`,
      otherHost: `securityhub.ndjson.tmp-h0badc0de-${GONE}-${now}-1`,
      otherHostOld: `dependabot.ndjson.tmp-h0badc0de-${GONE}-${now - 2 * 86_400_000}-1`,
      legacyQuiet: `securityhub.ndjson.tmp-${GONE}-${now - 7_200_000}-3`,
      legacyFresh: `dependabot.ndjson.tmp-${GONE}-${now}-4`,
      mine: `securityhub.ndjson.tmp-h${TEMP_HOST}-${process.pid}-${now}-9`,
    };
    for (const n of Object.values(names)) await writeFile(join(dir, n), '{"raw":"findings"}\n');
    const old = new Date(now - 7_200_000);
    await utimes(join(dir, names.legacyQuiet), old, old);
    const staged = await fsRunStore(out).state.staging('securityhub');
    expect(staged).toMatch(new RegExp(`securityhub\\.ndjson\\.tmp-h${TEMP_HOST}-${process.pid}-\\d+-1$`));
    expect((await readdir(dir)).sort()).toEqual([names.otherHost, names.legacyFresh, names.mine].sort());
  });
});
