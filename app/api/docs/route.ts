import { methodNotAllowed } from '@/http/api-resource';

// The API reference, rendered by Scalar from /api/v1/openapi.json. Everything it loads comes from this origin:
// the script from /api/docs/scalar.js, no web fonts, nothing from a CDN. (Not id="api-reference": Scalar would
// also mount a second, default-configured reference there by itself.)
const page = `<!doctype html>
<html lang="en">
  <head>
    <meta charset="utf-8" />
    <meta name="viewport" content="width=device-width, initial-scale=1" />
    <title>Roster API reference</title>
  </head>
  <body>
    <div id="roster-api-reference"></div>
    <script src="/api/docs/scalar.js"></script>
    <script>
      // No web fonts, no "Ask AI" agent (it reaches Scalar's servers), no link to Scalar's hosted client.
      Scalar.createApiReference('#roster-api-reference', {
        url: '/api/v1/openapi.json',
        withDefaultFonts: false,
        agent: { disabled: true },
        hideClientButton: true,
        telemetry: false,
      });
    </script>
  </body>
</html>
`;

export function GET(): Response {
  return new Response(page, { headers: { 'Content-Type': 'text/html; charset=utf-8', 'Cache-Control': 'public, max-age=300' } });
}

export const POST = methodNotAllowed(['GET', 'HEAD']);
