// The `pigeon` command: start, migrate, admin create|reset-password, simulate, send.
import { Command, Option } from 'commander';
import { ConfigError, loadConfig, type Config } from './config.js';
import { openDatabase } from './platform/db/database.js';
import { migrateToLatest } from './platform/db/migrator.js';
import { startServer } from './server.js';
import { cliCommands } from './cli-commands.js';
import { AppError } from './platform/http/errors.js';
import { translate } from './platform/i18n/i18n.js';

function configOrExit(): Config {
  try {
    return loadConfig();
  } catch (err) {
    if (err instanceof ConfigError) {
      process.stderr.write(`pigeon: configuration error: ${err.message}\n`);
      process.exit(1);
    }
    throw err;
  }
}

const program = new Command();
program
  .name('pigeon')
  .description('Pigeon: self-hosted multi-channel messaging platform')
  .version('0.1.0')
  .showHelpAfterError();

program
  .command('start')
  .description('Start the platform (HTTP API, console, workers, SMPP server) in one process')
  .addOption(new Option('--role <role>', 'which roles to run').choices(['all', 'api', 'worker', 'scheduler']))
  .action(async (opts: { role?: Config['role'] }) => {
    const config = configOrExit();
    if (opts.role) {
      config.role = opts.role;
    }
    await startServer(config);
  });

program
  .command('migrate')
  .description('Apply database migrations and exit')
  .action(async () => {
    const config = configOrExit();
    const database = await openDatabase({ url: config.databaseUrl, poolSize: 2 });
    try {
      const result = await migrateToLatest(database);
      const applied = (result.results ?? [])
        .filter((r) => r.status === 'Success')
        .map((r) => r.migrationName);
      process.stdout.write(applied.length ? `applied: ${applied.join(', ')}\n` : 'database is up to date\n');
    } finally {
      await database.close();
    }
  });

for (const add of cliCommands) {
  add(program, configOrExit);
}

program.parseAsync(process.argv).catch((err: unknown) => {
  process.stderr.write(`pigeon: ${describeError(err)}\n`);
  process.exit(1);
});

/** One readable line: an AppError in the operator's words, with its field errors. */
function describeError(err: unknown): string {
  if (err instanceof AppError) {
    const fields = err.fieldErrors.map(
      (f) => `${f.field} ${f.message ?? translate(`field.${f.reason}`, 'en-US', f.params ?? {})}`,
    );
    return err.code === 'VALIDATION_FAILED'
      ? translate('VALIDATION_FAILED', 'en-US', { summary: fields.join('; ') })
      : translate(err.code, 'en-US', err.params);
  }
  return err instanceof Error ? err.message : String(err);
}
