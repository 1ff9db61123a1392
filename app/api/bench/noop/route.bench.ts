// The framework floor of a Route Handler (bench build only, see next.config.ts): Next routes the request here
// and sends the empty answer. The bench calls PATCH the way it calls PATCH /api/v1/users/{id}, and GET the way it
// calls GET /api/v1/users.
export function PATCH(): Response {
  return new Response(null, { status: 204 });
}

export const GET = PATCH;
