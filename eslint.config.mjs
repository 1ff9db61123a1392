import nextVitals from 'eslint-config-next/core-web-vitals';
import nextTs from 'eslint-config-next/typescript';
import { defineConfig, globalIgnores } from 'eslint/config';

/** Import patterns (aliased and relative) of a layer: `@/auth`, `@/auth/secret`, `../../auth/secret`. */
const layer = (name) => [`@/${name}`, `@/${name}/**`, `**/${name}/**`];

// The layers (README: Layers): data flows door -> adapter -> core -> db, never back. The core is framework-free and
// takes what it needs from the outside (a limiter, a signer, a mailer) as arguments; Route Handler helpers never
// reach into Server Action helpers.
const coreMayNotImport = [
  { group: ['next', 'next/**'], message: 'src/core is framework-free: no next/* (take what you need as an argument).' },
  {
    group: ['auth', 'http', 'actions', 'server', 'rate-limit', 'components'].flatMap(layer).concat(['**/app/**', '@/../app/**']),
    message: 'src/core may not import adapters (src/auth, src/http, src/actions, src/server, src/rate-limit, app/): pass what it needs in as a port.',
  },
];

export default defineConfig([
  ...nextVitals,
  ...nextTs,
  { files: ['src/core/**'], rules: { 'no-restricted-imports': ['error', { patterns: coreMayNotImport }] } },
  {
    files: ['src/http/**'],
    rules: { 'no-restricted-imports': ['error', { patterns: [{ group: layer('actions'), message: 'src/http (Route Handler helpers) may not import src/actions (Server Action helpers).' }] }] },
  },
  globalIgnores(['.next/**', '.next-bench/**', 'next-env.d.ts', 'data/**', 'drizzle/**', 'test-results/**', 'playwright-report/**', 'bench/results/**', 'packages/*/dist/**']),
]);
