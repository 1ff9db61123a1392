import { logger } from '@/lib/logger';

/** Stops a background job; resolves once the pass in progress (if any) has finished, so its transaction commits. */
export type StopJob = () => Promise<void>;

/**
 * Runs `pass` now and then every `intervalMs`, never two at once (a slow pass makes the next tick skip); an error is
 * logged as `failure` and the next tick tries again. The timer doesn't keep the process alive. Returns the stop.
 */
export function runPeriodically(intervalMs: number, pass: () => Promise<void>, failure: string): StopJob {
  let running: Promise<void> | undefined;
  const run = () => {
    running ??= pass()
      .catch((error: unknown) => logger.error({ err: error }, failure))
      .finally(() => (running = undefined));
  };
  run();
  const timer = setInterval(run, intervalMs);
  timer.unref();
  return async () => {
    clearInterval(timer);
    await running;
  };
}
