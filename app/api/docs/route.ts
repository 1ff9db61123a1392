import { createHash } from 'node:crypto';
import { methodNotAllowed } from '@/http/api-resource';
import { contentSecurityPolicy } from '@/lib/security-headers';

// No web fonts, no "Ask AI" agent (it reaches Scalar's servers), no link to Scalar's hosted client, and no developer
// toolbar ("Configure / Share / Deploy": Scalar's own tooling, shown by default when served from localhost).
const mountScript = `
      Scalar.createApiReference('#roster-api-reference', {
        url: '/api/v1/openapi.json',
        withDefaultFonts: false,
        agent: { disabled: true },
        hideClientButton: true,
        showDeveloperTools: 'never',
        telemetry: false,
      });
    `;

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
    <nav aria-label="Roster" style="padding: 0.5rem 1rem; font: 14px system-ui, sans-serif; border-bottom: 1px solid #e2e8f0">
      <a href="/users">&larr; Back to the console</a>
    </nav>
    <div id="roster-api-reference"></div>
    <script src="/api/docs/scalar.js"></script>
    <script>${mountScript}</script>
  </body>
</html>
`;

// Not the console's policy (proxy.ts): this page is the same for everyone and cached, so its one inline script is
// allowed by its hash, not a nonce. Scalar adds its styles as inline <style> elements and style attributes.
const policy = contentSecurityPolicy({
  'default-src': ["'self'"],
  'script-src': ["'self'", `'sha256-${createHash('sha256').update(mountScript).digest('base64')}'`],
  'style-src': ["'self'", "'unsafe-inline'"],
  'img-src': ["'self'", 'data:'],
  'object-src': ["'none'"],
  'base-uri': ["'none'"],
  'form-action': ["'none'"],
  'frame-ancestors': ["'none'"],
});

export function GET(): Response {
  return new Response(page, {
    headers: { 'Content-Type': 'text/html; charset=utf-8', 'Cache-Control': 'public, max-age=300', 'Content-Security-Policy': policy },
  });
}

export const POST = methodNotAllowed(['GET', 'HEAD']);
