// ESLint's flat config for the web UI (browser ES modules) and the browser
// tests (Node). Run from the repository root with --config (npm run lint), so
// the patterns below are relative to the root.
import js from '@eslint/js';
import globals from 'globals';

export default [
  { ignores: ['**/node_modules/**'] },
  js.configs.recommended,
  {
    files: ['web/**/*.js'],
    languageOptions: { ecmaVersion: 2022, sourceType: 'module', globals: globals.browser },
  },
  {
    files: ['tests/browser/**/*.js', 'tests/browser/**/*.mjs'],
    languageOptions: { ecmaVersion: 2022, sourceType: 'module', globals: globals.node },
  },
  { linterOptions: { reportUnusedDisableDirectives: 'error' } },
];
