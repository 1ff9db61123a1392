// Types for scripts/build-if-stale.mjs (plain JS so that `npm start` needs no TypeScript loader).
export const root: string;
export const nextBin: string;
export function buildIsStale(): boolean;
export function buildIfStale(options?: { log?: (message: string) => void; env?: NodeJS.ProcessEnv }): boolean;
