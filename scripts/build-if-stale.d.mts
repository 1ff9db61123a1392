// Types for scripts/build-if-stale.mjs (plain JS so that `npm start` needs no TypeScript loader).
export const root: string;
export const nextBin: string;
export function buildIsStale(distDir?: string): boolean;
export function buildIfStale(options?: { log?: (message: string) => void; distDir?: string; env?: Record<string, string | undefined> }): boolean;
