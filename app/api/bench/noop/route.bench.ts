// The framework floor of a Route Handler (bench build only, see next.config.ts): Next routes the request here
// and sends the empty answer. The bench calls it the way it calls PATCH /api/v1/users/{id}.
export function PATCH(): Response {
  return new Response(null, { status: 204 });
}
