// Start-up hooks run by `pigeon start` after the app is built and before it listens:
// first-run admin creation, demo seeding. Each may print lines for the start banner.
import type { App } from './app.js';
import type { Config } from './config.js';
import { firstAdminHook } from './admin.cli.js';
import { demoHook } from './demo.js';

export interface StartupContext {
  app: App;
  config: Config;
  /** True when this data directory has never been started before. */
  isNewDataDir: boolean;
  print: (line: string) => void;
}

export type StartupHook = (ctx: StartupContext) => Promise<void> | void;

export const startupHooks: StartupHook[] = [firstAdminHook, demoHook];
