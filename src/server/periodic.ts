import { logger } from '@/lib/logger';

/**
 * Runs `pass` now and then every `intervalMs`, never two at once (a slow pass makes the next tick skip); an error is
 * logged as `failure` and the next tick tries again. The timer doesn't keep the process alive. Returns the stop.
 */
export function runPeriodically(intervalMs: number, pass: () => Promise<void>, failure: string): () => void {
  let running = false;
  const run = async () => {
    if (running) return;
    running = true;
    try {
      await pass();
    } catch (error) {
      logger.error({ err: error }, failure);
    } finally {
      running = false;
    }
  };
  void run();
  const timer = setInterval(run, intervalMs);
  timer.unref();
  return () => clearInterval(timer);
}
