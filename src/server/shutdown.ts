// The hand-off between the HTTP server (scripts/server.mjs) and the app it serves, for a shutdown that drains. They
// are separate module graphs (a plain script and Next's bundles), so they meet on globalThis, under a shared symbol.

/** The app's part of a shutdown, in two steps around the last request. */
export interface ShutdownSteps {
  /** When draining starts: end open streams (each is told to reconnect) and stop background work. */
  drain(): Promise<void>;
  /** Once the last request has finished: release what requests used (the database). */
  close(): Promise<void>;
}

/** What scripts/server.mjs finds at `globalThis[Symbol.for('roster.shutdown')]`. */
export interface ShutdownRegistry extends ShutdownSteps {
  draining: boolean;
}

const key = Symbol.for('roster.shutdown');
const global = globalThis as unknown as Record<typeof key, ShutdownRegistry | undefined>;

/** Called once at start (src/server/on-start.ts). */
export function registerShutdown(steps: ShutdownSteps): void {
  const registry: ShutdownRegistry = {
    draining: false,
    async drain() {
      registry.draining = true;
      await steps.drain();
    },
    close: () => steps.close(),
  };
  global[key] = registry;
}

/** True once the server has begun to shut down: readiness fails and new event streams are refused. */
export function isDraining(): boolean {
  return global[key]?.draining ?? false;
}
