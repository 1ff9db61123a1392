import { getAuth } from '@/auth';

// Better Auth serves sign-in, sign-up, sign-out, sessions, tokens, JWKS and OAuth callbacks here. It checks the
// Origin of cookie-carrying requests itself, so a cross-site form can't sign anyone in or out.
const handle = async (request: Request) => (await getAuth()).handler(request);

export const GET = handle;
export const POST = handle;
