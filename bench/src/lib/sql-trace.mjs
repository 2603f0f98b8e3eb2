// Preloaded into the platform child by `npm run bench -- <scenario> --trace-sql`
// (`node --import <this file>`): counts the SQL statements the platform prepares through
// better-sqlite3 — how often each is prepared and run, and the time spent preparing and
// running it — between the marks the runner sets with SIGUSR2 (first: start
// counting; second: stop), and writes them as JSON to $BENCH_SQL_TRACE when the process
// exits. Diagnostics only; nothing of the server changes.
import { writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';

const out = process.env.BENCH_SQL_TRACE;
if (out) {
  const require = createRequire(import.meta.url);
  const Database = require('better-sqlite3');
  const counts = new Map();
  let counting = false;
  let marks = 0;
  const prepare = Database.prototype.prepare;
  // Every statement is wrapped, counting or not: a driver that caches statements prepares
  // before the window and runs them inside it.
  Database.prototype.prepare = function (sql) {
    // Literal lists (IN (?, ?, …), multi-row VALUES) vary in length: fold them.
    const key = sql.replace(/\((\?, )+\?\)/g, '(?…)').replace(/(\(\?…\), )+\(\?…\)/g, '(?…)…');
    const entry = counts.get(key) ?? { prepares: 0, runs: 0, prepareMs: 0, runMs: 0 };
    counts.set(key, entry);
    const t = performance.now();
    const statement = prepare.call(this, sql);
    if (counting) {
      entry.prepares++;
      entry.prepareMs += performance.now() - t;
    }
    for (const method of ['run', 'all', 'get']) {
      const original = statement[method];
      statement[method] = function (...args) {
        if (!counting) {
          return original.apply(this, args);
        }
        const started = performance.now();
        try {
          return original.apply(this, args);
        } finally {
          entry.runs++;
          entry.runMs += performance.now() - started;
        }
      };
    }
    return statement;
  };
  process.on('SIGUSR2', () => {
    marks++;
    counting = marks === 1;
  });
  process.on('exit', () => {
    const statements = [...counts]
      .filter(([, e]) => e.runs + e.prepares > 0)
      .map(([sql, e]) => ({
        runs: e.runs,
        prepares: e.prepares,
        prepareMs: Math.round(e.prepareMs),
        runMs: Math.round(e.runMs),
        sql,
      }))
      .sort((a, b) => b.prepareMs + b.runMs - (a.prepareMs + a.runMs));
    const sum = (f) => statements.reduce((a, s) => a + f(s), 0);
    const totals = {
      runs: sum((s) => s.runs),
      prepares: sum((s) => s.prepares),
      prepareMs: sum((s) => s.prepareMs),
      runMs: sum((s) => s.runMs),
    };
    writeFileSync(out, `${JSON.stringify({ ...totals, statements }, null, 2)}\n`);
  });
}
