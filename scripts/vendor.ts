/**
 * Replaces the compiled output of each module of src/vendor (a re-export of one package) with one
 * file that holds that package, bundled by rolldown from the module's source (so that running it
 * twice, or after an incremental tsc that emitted nothing, gives the same file). Run after tsc by
 * `npm run build` and `npm test`.
 *
 * Why: Node loads an ES module graph file by file. zod is 95 modules (65 of them locales, which
 * its index loads eagerly) and yaml about 40, and importing them was 70–110 of the ~300 ms that
 * `secsli validate` took. One file each loads in about half the time (docs/benchmarks.md,
 * start-up). The bundles are not minified, so that a stack trace through them stays readable, and
 * each starts with its package's name, version and license.
 *
 * It also makes package.json's `bin` executable: tsc writes dist/src/cli/index.js with mode 644,
 * and `npm pack`'s prepack deletes dist/ first, so after a pack `npx --no-install secsli` in the
 * clone failed with "Permission denied" (npm sets the mode only where it links the bin).
 *
 * Usage: node dist/scripts/vendor.js (from the package's root or anywhere: paths are this script's)
 */
import { chmodSync, readFileSync, renameSync, rmSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { rolldown } from 'rolldown';

/** The vendored packages: src/vendor/<name>.ts re-exports what secsli uses of package <name>. */
const PACKAGES = ['zod', 'yaml'] as const;

/** dist/scripts/vendor.js → the package's root. */
const root = join(dirname(fileURLToPath(import.meta.url)), '..', '..');
const require = createRequire(import.meta.url);

function banner(name: string): string {
  const home = dirname(require.resolve(`${name}/package.json`));
  const pkg = JSON.parse(readFileSync(join(home, 'package.json'), 'utf8')) as { version: string; license: string };
  const license = readFileSync(join(home, 'LICENSE'), 'utf8').trim().replaceAll('*/', '* /');
  return `/*! ${name} ${pkg.version} (${pkg.license}), bundled by secsli's scripts/vendor.ts.\n\n${license}\n*/`;
}

for (const name of PACKAGES) {
  const source = join(root, 'src', 'vendor', `${name}.ts`);
  const file = join(root, 'dist', 'src', 'vendor', `${name}.js`);
  // cwd: the module paths in the bundle's comments are relative to it, so the bytes do not depend on where the script runs.
  const bundle = await rolldown({ input: source, cwd: root, platform: 'node', logLevel: 'warn' });
  const { output } = await bundle.generate({ format: 'esm', banner: banner(name), sourcemap: false });
  await bundle.close();
  if (output.length !== 1 || output[0].type !== 'chunk') throw new Error(`vendor: ${name} did not bundle into one file (${output.length} outputs)`);
  const { code, imports } = output[0];
  // A bundle may import Node's own modules (node:module for a CommonJS package), nothing else.
  const outside = imports.filter((i) => !i.startsWith('node:'));
  if (outside.length > 0) throw new Error(`vendor: the bundle of ${name} still imports ${outside.join(', ')}`);
  const tmp = `${file}.tmp-${process.pid}`;
  writeFileSync(tmp, code);
  renameSync(tmp, file);
  rmSync(`${file}.map`, { force: true }); // tsc's map of the re-export; the bundle has none
  process.stdout.write(`vendor: ${name} → ${file} (${Math.round(code.length / 1024)} KiB)\n`);
}

const { bin } = JSON.parse(readFileSync(join(root, 'package.json'), 'utf8')) as { bin: Record<string, string> };
for (const path of Object.values(bin)) chmodSync(join(root, path), 0o755);
