// Lint rules follow CONVENTIONS.md: floating promises, exhaustive switches, eqeqeq, curly.
import js from '@eslint/js';
import tseslint from 'typescript-eslint';
import vue from 'eslint-plugin-vue';
import globals from 'globals';

// --- Import boundaries (docs/architecture.md §2a) ---------------------------------------------
// lib → nothing of the app; platform → lib; delivery → platform, lib, its own ports; modules →
// platform, lib, delivery's ports and connector types, other modules' index.ts; simulators → lib.
// config.ts and context.ts (the settings and the context app.ts builds) may be imported by all
// but lib; the composition root (app.ts, cli*.ts, server.ts, startup.ts, demo.ts, *.cli.ts at
// the top) by none. Tests may reach into any module. Every import in server/src is relative, so
// each restriction is a regular expression on the import path written for the folder depth of
// the files it covers (`up(2)` is the path from a file two folders below src/ back to src/).
const up = (depth) => String.raw`\.\./`.repeat(depth);
const ROOT_FILES = String.raw`(app|demo|server|startup|cli|cli-commands|[\w-]+\.cli)\.js$`;
const TESTS = ['**/*.test.ts', '**/*.test-helper.ts'];

/** A restriction: imports whose path matches `regex` are refused with `message`. */
const refuse = (regex, message, extra = {}) => ({ regex, message, ...extra });

/** The restrictions of one layer for a file `depth` folders below src/. */
const layers = {
  lib: (d) => [refuse(`^${up(d)}(?!lib/)`, 'lib/ is pure code: it imports nothing of the app.')],
  platform: (d) => [
    refuse(`^${up(d)}(modules|delivery|simulators)/`, 'platform/ may import lib/ only, no module.'),
    refuse(`^${up(d)}${ROOT_FILES}`, 'platform/ may not import the composition root.'),
  ],
  /** `allow.modules`: the file may still import modules (a temporary exception). */
  delivery: (d, allow = {}) => [
    refuse(
      `^${up(d)}${allow.modules ? 'simulators' : '(modules|simulators)'}/`,
      'delivery/ imports no module (it sees messages through its ports) and no simulator.',
    ),
    refuse(`^${up(d)}${ROOT_FILES}`, 'delivery/ may not import the composition root.'),
  ],
  /** `allow.modules` / `allow.delivery`: further paths (regex alternatives) let through. */
  modules: (d, allow = {}) => [
    refuse(
      `^${up(d - 1)}(?!\\.\\./)[^/]+/(?!(index${allow.modules ?? ''})\\.js$)`,
      'Import another module through its index.ts (its public face), never its files.',
    ),
    refuse(
      `^${up(d)}delivery/(?!(ports|connectors/index|connectors/types${allow.delivery ?? ''})\\.js$)`,
      'A module may use delivery/ports.ts and the connector types (delivery/connectors/index.ts, types.ts) only.',
    ),
    refuse(`^${up(d)}simulators/`, 'Modules do not use the simulators.'),
    refuse(
      `^${up(d)}${ROOT_FILES}`,
      'A module may not import the composition root; app.ts hands it what it needs.',
    ),
  ],
};

const boundary = (files, patterns) => ({
  files,
  ignores: TESTS,
  rules: { 'no-restricted-imports': ['error', { patterns }] },
});

const boundaries = [
  boundary(['server/src/lib/*/*.ts'], layers.lib(2)),
  boundary(['server/src/lib/*/*/*.ts'], layers.lib(3)),
  boundary(['server/src/platform/*.ts'], layers.platform(1)),
  boundary(['server/src/platform/*/*.ts'], layers.platform(2)),
  boundary(['server/src/delivery/*.ts'], layers.delivery(1)),
  boundary(['server/src/delivery/*/*.ts'], layers.delivery(2)),
  boundary(['server/src/delivery/*/*/*.ts'], layers.delivery(3)),
  boundary(['server/src/modules/*/*.ts'], layers.modules(2)),
  boundary(['server/src/modules/*/*/*.ts'], layers.modules(3)),
  boundary(
    ['server/src/simulators/*.ts'],
    [
      refuse(`^${up(1)}(?!lib/|cli-commands\\.js$)`, 'simulators/ may import lib/ only.'),
      refuse(`^${up(1)}cli-commands\\.js$`, 'simulators/ may only take the CliCommand type from the CLI.', {
        allowTypeImports: true,
      }),
    ],
  ),
];

export default tseslint.config(
  {
    ignores: [
      '**/node_modules/**',
      '**/dist/**',
      'data/**',
      'web/src/api/schema.d.ts',
      'bench/results/**',
      '.pigeon-test/**',
    ],
  },
  js.configs.recommended,
  ...tseslint.configs.recommendedTypeChecked,
  ...vue.configs['flat/recommended'],
  {
    languageOptions: {
      parserOptions: {
        projectService: {
          allowDefaultProject: [
            '*.js',
            '*.mjs',
            'vitest.config.ts',
            'scripts/*.mjs',
            'server/bin/*.mjs',
            'web/scripts/*.mjs',
          ],
        },
        tsconfigRootDir: import.meta.dirname,
        extraFileExtensions: ['.vue'],
      },
    },
  },
  {
    files: ['**/*.vue'],
    languageOptions: {
      parserOptions: { parser: tseslint.parser },
    },
  },
  {
    rules: {
      '@typescript-eslint/no-floating-promises': 'error',
      // Fastify handlers and hooks are async by contract even when they do not await.
      '@typescript-eslint/require-await': 'off',
      '@typescript-eslint/switch-exhaustiveness-check': 'error',
      '@typescript-eslint/no-unused-vars': ['error', { argsIgnorePattern: '^_', varsIgnorePattern: '^_' }],
      eqeqeq: ['error', 'always', { null: 'ignore' }],
      curly: ['error', 'all'],
      'vue/multi-word-component-names': 'off',
      'vue/max-attributes-per-line': 'off',
      'vue/singleline-html-element-content-newline': 'off',
      'vue/html-self-closing': 'off',
      'vue/html-indent': 'off',
      'vue/html-closing-bracket-newline': 'off',
      'vue/multiline-html-element-content-newline': 'off',
    },
  },
  {
    files: ['**/*.js', '**/*.mjs'],
    ...tseslint.configs.disableTypeChecked,
  },
  {
    files: ['scripts/**', 'server/**', 'bench/**', '.ci/**', '*.js', '*.mjs', '*.ts'],
    languageOptions: { globals: { ...globals.node } },
  },
  {
    files: ['web/**'],
    languageOptions: { globals: { ...globals.browser } },
  },
  ...boundaries,
);
