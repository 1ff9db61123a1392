import { getAuth } from '@/auth';
import { errorToResponse } from '@/http/problem';

// Better Auth serves sign-in, sign-up, sign-out, sessions, tokens, JWKS and OAuth callbacks here. It checks the
// Origin of cookie-carrying requests itself, so a cross-site form can't sign anyone in or out. What it throws (it
// answers its own errors, so: the unexpected, such as a database outage) is mapped like any other route's.
const handle = async (request: Request) => {
  try {
    return await (await getAuth()).handler(request);
  } catch (error) {
    return errorToResponse(error, request);
  }
};

export const GET = handle;
export const POST = handle;
