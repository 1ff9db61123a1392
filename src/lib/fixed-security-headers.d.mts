// Types for src/lib/fixed-security-headers.mjs (plain JS so that scripts/server.mjs can use it without a TypeScript loader).

/** Directive name → sources, in the order they are sent. */
export type Directives = Record<string, readonly string[]>;

export function contentSecurityPolicy(directives: Directives): string;
export const fixedSecurityHeaders: { key: string; value: string }[];
export const inertContentSecurityPolicy: string;
