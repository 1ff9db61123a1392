/** Liveness: the process is up and serving. Touches nothing else on purpose. */
export function GET(): Response {
  return Response.json({ status: 'ok' }, { headers: { 'Cache-Control': 'no-store' } });
}
