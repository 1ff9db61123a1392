/**
 * Polls `read` until it returns something truthy, and returns that. Not a speed check: the deadline only turns a
 * hang into a failure that says what never happened.
 */
export async function until<T>(what: string, read: () => T | Promise<T>, deadlineMs = 60_000): Promise<NonNullable<T>> {
  const deadline = Date.now() + deadlineMs;
  for (;;) {
    const value = await read();
    if (value) return value;
    if (Date.now() > deadline) throw new Error(`gave up waiting for ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
}

/** `promise`, or a rejection that says what never settled once `deadlineMs` has passed (a hang guard). */
export function orGiveUp<T>(promise: Promise<T>, what: string, deadlineMs = 60_000): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  const giveUp = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new Error(`gave up waiting for ${what}`)), deadlineMs);
  });
  return Promise.race([promise, giveUp]).finally(() => clearTimeout(timer));
}
