import { registerShutdown, type ShutdownRegistry } from '@/server/shutdown';

const key = Symbol.for('roster.shutdown');
const global = globalThis as unknown as Record<symbol, ShutdownRegistry | undefined>;

/**
 * Starts a drain the way scripts/server.mjs does on SIGTERM, through the registry on globalThis, with steps that do
 * nothing (no background jobs run in tests). Returns the undo: the server is no longer shutting down.
 */
export async function startDraining(): Promise<() => void> {
  registerShutdown({ drain: async () => {}, close: async () => {} });
  await global[key]!.drain();
  return () => {
    global[key] = undefined;
  };
}
