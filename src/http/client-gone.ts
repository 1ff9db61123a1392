import 'server-only';

/**
 * Runs `release` once the client of `request` has gone away (its connection closed before the response was sent),
 * or at once if it already has. `request.signal` is the only sign of it a streaming response can count on: Next
 * aborts it when the connection closes, but a body whose connection closed before Next began to send it is never
 * read nor cancelled (its pipe sees the connection destroyed and returns), and an `abort` listener added after the
 * fact never runs. `until`: stop listening once this signal aborts (the response ended on its own).
 */
export function whenClientGone(request: Request, release: () => void, until?: AbortSignal): void {
  if (request.signal.aborted) return release();
  request.signal.addEventListener('abort', release, { once: true, signal: until });
}
