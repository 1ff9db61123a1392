import 'server-only';
import { publicUrl } from '@/lib/public-url';
import { HttpProblem } from './problem';

/**
 * For cookie-authenticated route handlers that only the console's own pages use: a page on another site can make
 * the browser send the cookie, so refuse any request the browser marks as cross-site or that carries a foreign Origin.
 */
export function assertSameOrigin(request: Request): void {
  const site = request.headers.get('sec-fetch-site');
  const origin = request.headers.get('origin');
  if ((site && site !== 'same-origin') || (origin && origin !== publicUrl('/', request).origin)) {
    throw new HttpProblem(403, 'cross-site', 'Forbidden', 'This endpoint serves the console’s own pages only.');
  }
}
