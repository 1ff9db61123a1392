import 'server-only';
import { after } from 'next/server';

/**
 * Runs `task` once the response has been sent (Next's `after()`), so the client does not wait for it. Outside a
 * request Next is serving (a Route Handler called directly, as route tests and scripts do) there is no "after":
 * the task runs at once and is awaited, so the caller sees its effect when the handler returns.
 */
export async function afterResponse(task: () => Promise<void>): Promise<void> {
  try {
    after(task);
  } catch {
    await task();
  }
}
