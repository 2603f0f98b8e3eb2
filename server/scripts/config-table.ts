// Prints the README's configuration table from server/src/config.ts (`npx tsx server/scripts/config-table.ts`).
import { settingsTable } from '../src/config.js';

process.stdout.write(settingsTable() + '\n');
