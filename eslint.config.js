// Lint: the domain stays pure (no I/O, no clock, no randomness, no outer layers) and no import cycles anywhere.
import tseslint from 'typescript-eslint';
import importX from 'eslint-plugin-import-x';

const impure = [
  { selector: "MemberExpression[object.name='Date'][property.name='now']", message: 'The domain has no clock: take `now` from the context.' },
  { selector: "MemberExpression[object.name='Math'][property.name='random']", message: 'The domain has no randomness: take ids from the context.' },
  { selector: "NewExpression[callee.name='Date'][arguments.length=0]", message: 'The domain has no clock: `new Date()` needs an explicit time.' },
  { selector: "MemberExpression[object.name='performance'][property.name='now']", message: 'The domain has no clock.' },
  { selector: "MemberExpression[object.name='crypto']", message: 'The domain has no randomness.' },
  { selector: "Identifier[name='process']", message: 'The domain reads no environment.' },
  { selector: "CallExpression[callee.name=/^(setTimeout|setInterval|setImmediate|fetch|require)$/]", message: 'The domain does no I/O and schedules nothing.' },
];

export default tseslint.config(
  { ignores: ['dist/**', 'node_modules/**', 'coverage/**', '.wfe/**', 'schema/**'] },
  {
    files: ['**/*.ts', '**/*.tsx'],
    languageOptions: { parser: tseslint.parser, parserOptions: { projectService: false } },
    plugins: { '@typescript-eslint': tseslint.plugin, 'import-x': importX },
    settings: { 'import-x/resolver': { node: { extensions: ['.ts', '.js'] } }, 'import-x/extensions': ['.ts'] },
    rules: {
      'import-x/no-cycle': ['error', { ignoreExternal: true }],
      '@typescript-eslint/no-unused-vars': ['error', { argsIgnorePattern: '^_', varsIgnorePattern: '^_' }],
      'no-var': 'error',
      'prefer-const': 'error',
      eqeqeq: ['error', 'smart'],
    },
  },
  {
    files: ['src/domain/**/*.ts'],
    ignores: ['src/domain/**/*.test.ts'],
    rules: {
      'no-restricted-syntax': ['error', ...impure],
      'no-restricted-imports': ['error', {
        patterns: [
          { group: ['node:*', 'fs', 'path', 'os', 'child_process', 'crypto', 'http', 'https', 'net'], message: 'The domain does no I/O.' },
          { group: ['**/adapters/**', '**/runtime/**', '**/projections/**', '**/ports/**', '**/yaml/**', '**/cli/**'], message: 'The domain imports nothing of the outer layers.' },
        ],
      }],
    },
  },
);
