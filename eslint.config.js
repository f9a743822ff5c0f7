import js from '@eslint/js';
import tseslint from 'typescript-eslint';
import globals from 'globals';

export default tseslint.config(
  { ignores: ['dist/**', 'node_modules/**', '.workpass/**', 'artifacts/**', 'wasm/**', '**/*.generated.ts'] },
  js.configs.recommended,
  ...tseslint.configs.recommended,
  {
    languageOptions: { globals: { ...globals.node, ...globals.browser } },
    rules: {
      '@typescript-eslint/no-unused-vars': ['error', { argsIgnorePattern: '^_' }],
    },
  },
  {
    // src/core runs in the browser and in Node alike: it may not reach either platform.
    files: ['src/core/**/*.ts'],
    languageOptions: { globals: { ...globals['shared-node-browser'] } },
    rules: {
      'no-restricted-imports': ['error', {
        patterns: [
          { group: ['node:*'], message: 'src/core must not import Node built-ins.' },
          { group: ['**/extension/**', '**/relay/**', '**/cli/**'], message: 'src/core must not import from src/extension, src/relay or src/cli.' },
          { group: ['webextension-polyfill', 'ws', 'better-sqlite3', 'pino'], message: 'src/core is platform-free.' },
        ],
      }],
      'no-restricted-globals': ['error',
        { name: 'browser', message: 'src/core must not use browser.* APIs.' },
        { name: 'chrome', message: 'src/core must not use chrome.* APIs.' },
        { name: 'process', message: 'src/core must not use process.' },
        { name: 'Buffer', message: 'src/core uses Uint8Array, not Buffer.' },
      ],
    },
  },
);
