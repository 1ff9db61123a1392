import 'server-only';
import { getIP } from 'better-auth/api';
import { headers } from 'next/headers';
import { getAuth } from '@/auth';

/** The client's IP as Better Auth's rate limits see it (the same trust in X-Forwarded-For). */
export async function clientIp(): Promise<string | null> {
  return getIP(await headers(), (await getAuth()).options);
}
