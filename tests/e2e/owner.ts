/**
 * The owner the e2e server creates at start (ROSTER_OWNER_EMAIL / ROSTER_OWNER_PASSWORD in playwright.config.ts),
 * and where the setup project keeps their signed-in browser state for the other projects.
 */
export const ownerEmail = 'owner@e2e.test';
export const ownerPassword = 'e2e-owner-password';
export const ownerStorageState = '.e2e-data/owner.json';
