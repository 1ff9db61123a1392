import 'server-only';

/** A SCIM protocol error (RFC 7644 §3.12): an HTTP status and, for 400/409, a `scimType` naming what went wrong. */
export class ScimError extends Error {
  constructor(readonly status: number, readonly scimType: string | undefined, message: string) {
    super(message);
  }
}

/** The SCIM error schema; `status` is a string, as RFC 7644 §3.12 writes it and Okta/Entra expect. */
export function scimErrorBody(error: ScimError) {
  return {
    schemas: ['urn:ietf:params:scim:api:messages:2.0:Error'],
    status: String(error.status),
    ...(error.scimType ? { scimType: error.scimType } : {}),
    detail: error.message,
  };
}
