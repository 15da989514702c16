import js from '@eslint/js'
import tseslint from 'typescript-eslint'

export default tseslint.config(
  {ignores: ['dist/**', 'node_modules/**', 'coverage/**', 'bench/results/**']},
  js.configs.recommended,
  ...tseslint.configs.recommended,
  {
    languageOptions: {globals: {process: 'readonly', console: 'readonly', setTimeout: 'readonly', clearTimeout: 'readonly', setInterval: 'readonly', clearInterval: 'readonly', Buffer: 'readonly', URL: 'readonly', AbortController: 'readonly'}},
    rules: {
      '@typescript-eslint/no-unused-vars': ['error', {argsIgnorePattern: '^_', varsIgnorePattern: '^_'}],
      '@typescript-eslint/consistent-type-imports': 'error',
    },
  },
  {
    // The controller core stays pure: no I/O, no database, no catalog code.
    files: ['src/lib/controller/**/*.ts'],
    rules: {
      'no-restricted-imports': ['error', {patterns: ['pg', '@electric-sql/*', 'node:*', 'fs', 'child_process', '**/catalog/**', '@oclif/*']}],
    },
  },
)
