import { consoleContext } from '@/actions/context';
import { rejectedRowsCsv } from '@/core/users/import';
import { methodNotAllowed } from '@/http/api-resource';
import { errorToResponse } from '@/http/problem';
import { assertSameOrigin } from '@/http/same-origin';

/** An import job's refused rows as CSV (its page's download link): by session cookie, same-origin only. */
export async function GET(request: Request, { params }: { params: Promise<{ id: string }> }): Promise<Response> {
  try {
    assertSameOrigin(request);
    const { id } = await params;
    const chunks = await rejectedRowsCsv(await consoleContext(), id);
    const encoder = new TextEncoder();
    const body = new ReadableStream<Uint8Array>({
      async pull(controller) {
        const next = await chunks.next();
        if (next.done) controller.close();
        else controller.enqueue(encoder.encode(next.value));
      },
      cancel: async () => void (await chunks.return(undefined)),
    });
    return new Response(body, {
      headers: { 'Content-Type': 'text/csv; charset=utf-8', 'Content-Disposition': `attachment; filename="rejected-rows-${id}.csv"`, 'Cache-Control': 'no-store' },
    });
  } catch (error) {
    return errorToResponse(error, request);
  }
}

const notAllowed = methodNotAllowed(['GET']);
export { notAllowed as POST, notAllowed as PUT, notAllowed as PATCH, notAllowed as DELETE };
