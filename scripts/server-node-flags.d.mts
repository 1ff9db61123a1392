// Types for scripts/server-node-flags.mjs (plain JS so that `npm start` and `npm run cluster` need no TypeScript loader).
export const serverNodeFlags: readonly string[];
