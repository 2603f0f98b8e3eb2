// CLI commands contributed by modules (admin, simulate, send). Each adds its sub-commands
// to the program; `configOrExit` loads the configuration or exits with a one-line error.
import type { Command } from 'commander';
import type { Config } from './config.js';
import { adminCli } from './modules/identity/identity.cli.js';
import { simulatorsCli } from './simulators/simulators.cli.js';

export type CliCommand = (program: Command, configOrExit: () => Config) => void;

export const cliCommands: CliCommand[] = [adminCli, simulatorsCli];
