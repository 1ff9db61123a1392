import 'server-only';
import { exportMediaTypes, type ExportPlan, type ExportReader } from '@/core/exports';
import type { DatabaseHandle } from '@/db/client';
import type { ReadSnapshot } from '@/db/snapshot';
import { whenClientGone } from './client-gone';
import { takeExportSlot } from './export-slots';

/**
 * A download of `plan`, streamed with backpressure: each `pull` (the client is ready for more) reads the next chunk
 * (a keyset page, or what COPY sent), so the server holds one chunk at a time whatever the size. It takes an export
 * slot (see takeExportSlot), reads one snapshot held for the whole file (see DatabaseHandle.snapshot), records
 * `export.downloaded` as it starts, and lets go of slot and snapshot when the file ends, fails or the client goes
 * away: at once, at any moment, also before the first byte. (A client that stops reading without going away is
 * disconnected by the server after ROSTER_SEND_TIMEOUT_MS: scripts/server.mjs.)
 */
export async function exportResponse(request: Request, plan: ExportPlan, database: Pick<DatabaseHandle, 'db' | 'snapshot'>): Promise<Response> {
  const headers = {
    'Content-Type': exportMediaTypes[plan.format],
    'Content-Disposition': `attachment; filename="${plan.filename}"`,
    'Cache-Control': 'no-store',
    'X-Content-Type-Options': 'nosniff',
  };
  // Next answers HEAD with GET: a body nobody reads must not hold a snapshot open.
  if (request.method === 'HEAD') return new Response(null, { headers });
  const releaseSlot = takeExportSlot(plan.caller);
  let ended = false;
  let abortSnapshot = () => {};
  /** The client went away (or the read failed): ends the export where it stands. */
  const abandon = () => {
    if (ended) return;
    ended = true;
    releaseSlot();
    abortSnapshot();
  };
  // Listening before the first await: a client that leaves while the snapshot opens is seen too.
  whenClientGone(request, abandon);

  let snapshot: ReadSnapshot;
  try {
    snapshot = await database.snapshot();
    abortSnapshot = () => snapshot.abort();
    if (ended) snapshot.abort();
    else await plan.recordDownload(database.db);
  } catch (error) {
    abandon();
    throw error;
  }

  let reader: ExportReader | undefined;
  const body = new ReadableStream<Uint8Array>({
    async pull(controller) {
      // Nobody is there to read the rest: a reader of this body (never Next's, which has stopped) is told so.
      const stopIfAbandoned = () => {
        if (ended) controller.error(new DOMException('The client went away', 'AbortError'));
        return ended;
      };
      if (stopIfAbandoned()) return;
      try {
        reader ??= plan.open(snapshot);
        const chunk = await reader.next();
        if (stopIfAbandoned()) return;
        if (chunk !== null) return controller.enqueue(chunk);
        ended = true;
        releaseSlot();
        await snapshot.close();
        controller.close();
      } catch (error) {
        // Abandoned mid-query: the connection was ended under it.
        if (stopIfAbandoned()) return;
        abandon();
        controller.error(error);
      }
    },
    cancel: abandon,
  });

  return new Response(body, { headers });
}
