import { requestEmailChange } from '@/core/accounts';
import { apiResource, json } from '@/http/api-resource';
import { readJsonBody } from '@/http/json-body';
import { mailRequestFrom } from '@/rate-limit/mail-limits';

export const { GET, POST, PUT, PATCH, DELETE, OPTIONS } = apiResource({
  /** Asks to change the caller's email: 202, and a confirmation link goes to the new address. */
  POST: async ({ request, ctx }) => json(await requestEmailChange(ctx, await readJsonBody(request), mailRequestFrom(request)), { status: 202 }),
});
