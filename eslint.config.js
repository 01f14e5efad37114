// Lint: typescript-eslint's type-checked recommendations over the library, CLI, tests and scripts.
import js from '@eslint/js';
import tseslint from 'typescript-eslint';

export default tseslint.config(
  // Build output and the plain-JS launcher, bundler and tool configs are outside the TypeScript project.
  { ignores: ['dist/**', 'node_modules/**', 'bench/**', 'bin/**', 'scripts/**/*.mjs', '*.js', '*.cjs'] },
  js.configs.recommended,
  ...tseslint.configs.recommendedTypeChecked,
  {
    languageOptions: { parserOptions: { projectService: true, tsconfigRootDir: import.meta.dirname } },
    rules: {
      // node:test's test()/describe() return promises the runner awaits itself.
      '@typescript-eslint/no-floating-promises': [
        'error',
        {
          allowForKnownSafeCalls: [
            { from: 'package', package: 'node:test', name: ['test', 'describe', 'it', 'suite'] },
          ],
        },
      ],
      '@typescript-eslint/no-unused-vars': [
        'error',
        { argsIgnorePattern: '^_', caughtErrors: 'none', ignoreRestSiblings: true },
      ],
      // Promise-returning interfaces (Image.close, LayerSource.open, test cases) are implemented as async
      // functions on purpose: what they throw becomes a rejection, as callers expect, awaited or not.
      '@typescript-eslint/require-await': 'off',
    },
  },
);
