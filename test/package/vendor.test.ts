import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { join } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { describe, expect, it } from 'vitest';

/**
 * The build's bundles of zod and yaml (scripts/vendor.ts → dist/src/vendor/*.js, which the CLI
 * loads): each one file that imports nothing but Node's own modules, starts with its package's
 * name, version and license, and exports what src/vendor re-exports, the package's own values.
 * Runs dist/, which `npm test` builds and bundles first.
 */

const ROOT = fileURLToPath(new URL('../../', import.meta.url));
const require = createRequire(join(ROOT, 'package.json'));
const bundle = (name: string) => join(ROOT, 'dist/src/vendor', `${name}.js`);

describe.each(['zod', 'yaml'])('the bundle of %s', (name) => {
  const text = readFileSync(bundle(name), 'utf8');
  const home = join(ROOT, 'node_modules', name);
  const pkg = JSON.parse(readFileSync(join(home, 'package.json'), 'utf8')) as { version: string; license: string };

  it('is one file: its only imports are node: modules', () => {
    const imports = [...text.matchAll(/^(?:import|export)\b[^;]*?\bfrom\s*["']([^"']+)["']/gm)].map((m) => m[1]);
    expect(
      imports.filter((i) => !i!.startsWith('node:')),
      `${bundle(name)} is not a bundle: run npm test or npm run build (they bundle src/vendor)`,
    ).toEqual([]);
    expect(text).not.toMatch(/\brequire\(["'](zod|yaml)(\/[^"']*)?["']\)/);
  });

  it('names its modules from the package root, whatever folder the build ran in (the same bytes)', () => {
    // Each module's code follows a comment with its path; \0 names are the bundler's own.
    const named = [...text.matchAll(/^\/\/ (\S+\.c?js)$/gm)].map((m) => m[1]!).filter((p) => !p.startsWith('\\0'));
    expect(named.length).toBeGreaterThan(0);
    expect(named.filter((p) => !p.startsWith(`node_modules/${name}/`))).toEqual([]);
    // Only what src/vendor's exports reach: of zod's 65 locales, English alone (zod's default).
    expect(named.filter((p) => p.includes('/locales/') && !p.endsWith('/en.js'))).toEqual([]);
  });

  it("starts with the package's name, version and whole license", () => {
    expect(text.startsWith(`/*! ${name} ${pkg.version} (${pkg.license}), bundled by secsli's scripts/vendor.ts.`)).toBe(true);
    const license = readFileSync(join(home, 'LICENSE'), 'utf8').trim();
    expect(text.slice(0, text.indexOf('*/'))).toContain(license);
  });

  it('exports what src/vendor re-exports of the package, with the same behaviour', async () => {
    const vendored = (await import(pathToFileURL(bundle(name)).href)) as Record<string, unknown>;
    const original = require(name) as Record<string, unknown>;
    if (name === 'zod') {
      // The names src/vendor/zod.ts exports, each zod's own kind of value.
      const source = (await import('../../src/vendor/zod.js')) as Record<string, unknown>;
      expect(Object.keys(vendored).sort()).toEqual(Object.keys(source).sort());
      for (const k of Object.keys(vendored)) expect(typeof vendored[k], k).toBe(typeof original[k]);
      // The same verdicts and the same English messages, for the kinds of schema secsli builds.
      const build = (z: typeof import('zod')) =>
        z.strictObject({
          id: z.string().min(2),
          n: z.number().int(),
          at: z.iso.datetime({ offset: true }),
          url: z.url().optional(),
          kind: z.enum(['a', 'b']),
          one: z.literal(1),
          either: z.union([z.string(), z.date()]),
          tags: z.record(z.string(), z.array(z.string())),
          loose: z.looseObject({ x: z.coerce.number() }),
          none: z.never().optional(),
        });
      const good = { id: 'ab', n: 1, at: '2026-11-27T00:00:00Z', kind: 'a', one: 1, either: 'x', tags: { t: ['v'] }, loose: { x: '2', y: 3 } };
      const bad = { id: 'a', n: 1.5, at: 'noon', url: 'nope', kind: 'c', one: 2, either: 3, tags: { t: [1] }, loose: { x: 'two' }, none: 1, extra: true };
      const verdicts = (z: typeof import('zod')) =>
        [good, bad].map((v) => build(z).safeParse(v)).map((r) => (r.success ? r.data : r.error.issues.map((i) => [i.path.join('.'), i.message])));
      const theirs = verdicts(original as unknown as typeof import('zod'));
      expect(verdicts(vendored as unknown as typeof import('zod'))).toEqual(theirs);
      expect((theirs[1] as unknown[]).length).toBe(11);
    } else {
      expect(Object.keys(vendored).sort()).toEqual(['LineCounter', 'isMap', 'isPair', 'isScalar', 'isSeq', 'parseDocument', 'stringify', 'visit']);
      for (const k of Object.keys(vendored)) expect(typeof vendored[k], k).toBe(typeof original[k]);
      const doc = (vendored.parseDocument as (s: string) => { toJS(): unknown })('a: [1, {b: c}]\n');
      expect(doc.toJS()).toEqual({ a: [1, { b: 'c' }] });
      expect((vendored.stringify as (v: unknown) => string)({ a: ['x: y'] })).toBe((original.stringify as (v: unknown) => string)({ a: ['x: y'] }));
    }
  });
});
