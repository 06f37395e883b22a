import type { Command } from 'commander';
import { EXIT, formatProblem } from '../errors.js';
import { readRegularBytes } from '../io/read-regular.js';
import { UsageError } from '../errors.js';
import { parseAsOf, type Io } from './options.js';

export function registerValidate(program: Command, io: Io, setExit: (n: number) => void): void {
  program
    .command('validate')
    .description('check assets.yaml (schema, cross-references, exceptions) without collecting anything')
    .option('-c, --config <file>', 'inventory file', 'assets.yaml')
    .option('--as-of <time>', 'judge exception expiry as of this time (default: now)')
    .addHelpText(
      'after',
      `
Example:
  $ secsli validate --config assets.yaml

Prints every problem as FILE:LINE:COL path: message. Exit 0 when clean (warnings allowed), 2 on any error.`,
    )
    .action(async (flags: { config: string; asOf?: string }) => {
      const now = parseAsOf(flags.asOf, io.now);
      let bytes: Buffer;
      try {
        bytes = await readRegularBytes(flags.config);
      } catch (e) {
        throw new UsageError(`cannot read ${flags.config}: ${(e as NodeJS.ErrnoException).code ?? (e as Error).message}`, 'Pass the inventory with --config FILE.');
      }
      const { parseInventoryBytes } = await import('../inventory/load.js');
      const { inventory, problems } = parseInventoryBytes(bytes, flags.config, { now });
      for (const p of problems) io.stdout.write(formatProblem(p) + '\n');
      const errors = problems.filter((p) => p.severity === 'error').length;
      const warnings = problems.length - errors;
      if (errors > 0 || !inventory) {
        io.stdout.write(`${flags.config}: ${errors} error(s), ${warnings} warning(s)\n`);
        setExit(EXIT.USAGE);
        return;
      }
      io.stdout.write(`${flags.config}: ok — ${inventory.assets.length} assets, ${inventory.exceptions.length} exceptions, ${warnings} warning(s)\n`);
      setExit(EXIT.OK);
    });
}
