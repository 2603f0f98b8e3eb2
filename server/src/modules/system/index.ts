// The system module's public face (ARCHITECTURE §2a): platform information for the console shell.
export { registerSystemModule } from './system.module.js';
