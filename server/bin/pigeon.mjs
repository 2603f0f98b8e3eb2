#!/usr/bin/env node
// The `pigeon` command. Runs the TypeScript sources directly through tsx's loader, so a
// checkout needs no compile step.
import { register } from 'tsx/esm/api';

register();
await import('../src/cli.ts');
