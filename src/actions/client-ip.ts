import 'server-only';
import { headers } from 'next/headers';
import { requestClientIp } from '@/http/request-client-ip';

/** The client's IP for this Server Action, as the auth endpoints' limits see it (src/http/request-client-ip.ts). */
export async function clientIp(): Promise<string | null> {
  return requestClientIp(await headers());
}
