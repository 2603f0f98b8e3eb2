// `pigeon admin create` and `pigeon admin reset-password`, and the first-run admin that
// `pigeon start` creates (its generated password is printed once in the start banner).
import type { Command } from 'commander';
import pino from 'pino';
import { buildApp } from './app.js';
import type { Config } from './config.js';
import type { CliCommand } from './cli-commands.js';
import type { StartupHook } from './startup.js';
import { systemAuth } from './platform/auth/auth-context.js';

export const FIRST_ADMIN = 'admin';

async function withApp<T>(
  config: Config,
  fn: (app: Awaited<ReturnType<typeof buildApp>>) => Promise<T>,
): Promise<T> {
  const app = await buildApp({ config, logger: pino({ level: 'warn' }), serveWeb: false });
  try {
    await app.ready();
    return await fn(app);
  } finally {
    await app.close();
  }
}

export const adminCli: CliCommand = (program: Command, configOrExit) => {
  const admin = program.command('admin').description('Manage console administrators');
  admin
    .command('create')
    .description('Create a platform admin (prints a generated password unless --password is given)')
    .requiredOption('--username <name>', 'login name')
    .option('--password <password>', 'password (generated when omitted)')
    .option('--display-name <name>', 'display name')
    .action(async (opts: { username: string; password?: string; displayName?: string }) => {
      await withApp(configOrExit(), async (app) => {
        const { users } = app.services.identity;
        const role = await app.ctx.db
          .selectFrom('roles')
          .select('id')
          .where('code', '=', 'platform_admin')
          .executeTakeFirstOrThrow();
        const created = await users.createUser(systemAuth('cli'), {
          username: opts.username,
          displayName: opts.displayName ?? opts.username,
          password: opts.password,
          userType: 'staff',
          roleIds: [role.id],
          mustChangePassword: false,
        });
        process.stdout.write(
          `created platform admin "${created.username}"${created.initialPassword ? ` with password: ${created.initialPassword}` : ''}\n`,
        );
      });
    });
  admin
    .command('reset-password')
    .description('Set a new password for a user (prints a generated one unless --password is given)')
    .requiredOption('--username <name>', 'login name')
    .option('--password <password>', 'new password (generated when omitted)')
    .action(async (opts: { username: string; password?: string }) => {
      await withApp(configOrExit(), async (app) => {
        const { users } = app.services.identity;
        const user = await app.ctx.db
          .selectFrom('users')
          .select('id')
          .where('username', '=', opts.username)
          .executeTakeFirst();
        if (!user) {
          throw new Error(`no user named "${opts.username}"`);
        }
        const { password } = await users.resetPassword(systemAuth('cli'), user.id, opts.password);
        process.stdout.write(
          `password of "${opts.username}" reset${opts.password ? '' : `; new password: ${password}`}\n`,
        );
      });
    });
};

/** On a database with no users, creates `admin` with a generated password and prints it. */
export const firstAdminHook: StartupHook = async ({ app, print }) => {
  const { users } = app.services.identity;
  if ((await users.countUsers()) > 0) {
    return;
  }
  const role = await app.ctx.db
    .selectFrom('roles')
    .select('id')
    .where('code', '=', 'platform_admin')
    .executeTakeFirstOrThrow();
  const created = await users.createUser(systemAuth('first-run'), {
    username: FIRST_ADMIN,
    displayName: 'Administrator',
    userType: 'staff',
    roleIds: [role.id],
    mustChangePassword: false,
  });
  print(
    `Admin login: ${FIRST_ADMIN} / ${created.initialPassword ?? '(given)'}   (shown once; change it under My profile)`,
  );
};
