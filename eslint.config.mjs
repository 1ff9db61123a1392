import nextVitals from 'eslint-config-next/core-web-vitals';
import nextTs from 'eslint-config-next/typescript';
import { defineConfig, globalIgnores } from 'eslint/config';

export default defineConfig([
  ...nextVitals,
  ...nextTs,
  globalIgnores(['.next/**', '.next-bench/**', 'next-env.d.ts', 'data/**', 'drizzle/**', 'test-results/**', 'playwright-report/**', 'bench/results/**']),
]);
