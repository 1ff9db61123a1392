import { readFile } from 'node:fs/promises';
import path from 'node:path';
import { methodNotAllowed } from '@/http/api-resource';

// Scalar's standalone bundle, served from our own origin (pinned with the package, so it changes only with it).
const bundlePath = path.join(process.cwd(), /*turbopackIgnore: true*/ 'node_modules/@scalar/api-reference/dist/browser/standalone.js');
let bundle: Promise<Buffer> | undefined;

export async function GET(): Promise<Response> {
  bundle ??= readFile(bundlePath);
  return new Response(new Uint8Array(await bundle), {
    headers: { 'Content-Type': 'text/javascript; charset=utf-8', 'Cache-Control': 'public, max-age=86400' },
  });
}

export const POST = methodNotAllowed(['GET', 'HEAD']);
