import 'server-only';
import { exportMediaTypes, type ExportPlan } from '@/core/exports';
import type { DatabaseHandle } from '@/db/client';
import { HttpProblem } from './problem';

// On PostgreSQL each export holds one pool connection for as long as its client reads: without a cap, a few slow
// downloads would take every connection the rest of the server needs. On globalThis: Next bundles each export
// route apart, and the cap is the server's, not a route's.
const globalForExports = globalThis as unknown as { rosterRunningExports?: { count: number } };
const running = (globalForExports.rosterRunningExports ??= { count: 0 });
const exportsAtOnce = () => Number(process.env.ROSTER_EXPORTS_AT_ONCE ?? 3);

/**
 * A download of `plan`, streamed with backpressure: each `pull` (the client is ready for more) reads the next chunk
 * (a keyset page, or what COPY sent), so the server holds one chunk at a time whatever the size. It reads one snapshot held for the whole file
 * (see DatabaseHandle.snapshot) and lets go of it when the file ends, fails or the client goes away, at once.
 */
export async function exportResponse(request: Request, plan: ExportPlan, database: Pick<DatabaseHandle, 'snapshot'>): Promise<Response> {
  const headers = {
    'Content-Type': exportMediaTypes[plan.format],
    'Content-Disposition': `attachment; filename="${plan.filename}"`,
    'Cache-Control': 'no-store',
    'X-Content-Type-Options': 'nosniff',
  };
  // Next answers HEAD with GET: a body nobody reads must not hold a snapshot open.
  if (request.method === 'HEAD') return new Response(null, { headers });
  if (running.count >= exportsAtOnce()) {
    throw new HttpProblem(503, 'export-capacity', 'Service Unavailable', `This server runs at most ${exportsAtOnce()} exports at once; retry shortly.`, { 'Retry-After': '5' });
  }
  running.count += 1;
  let released = false;
  const release = () => {
    if (!released) running.count -= 1;
    released = true;
  };
  let snapshot: Awaited<ReturnType<DatabaseHandle['snapshot']>>;
  try {
    snapshot = await database.snapshot();
  } catch (error) {
    release();
    throw error;
  }
  const reader = plan.open(snapshot);
  let finished = false;
  const stop = () => {
    release();
    if (finished) return;
    finished = true;
    snapshot.abort();
  };
  // Whichever comes first: the body's cancel, or the request's abort when Next doesn't cancel the body.
  request.signal.addEventListener('abort', stop, { once: true });

  const body = new ReadableStream<Uint8Array>({
    async pull(controller) {
      try {
        const chunk = await reader.next();
        if (finished) return;
        if (chunk !== null) return controller.enqueue(chunk);
        finished = true;
        release();
        await snapshot.close();
        controller.close();
      } catch (error) {
        // Cancelled mid-query: the connection was ended under it, and nobody is reading any more.
        if (finished) return;
        stop();
        controller.error(error);
      }
    },
    cancel: stop,
  });

  return new Response(body, { headers });
}
