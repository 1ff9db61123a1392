import 'server-only';

/** The `scimType` values of RFC 7644 §3.12 that Roster answers with. */
export type ScimType =
  | 'invalidFilter'
  | 'tooMany'
  | 'uniqueness'
  | 'mutability'
  | 'invalidSyntax'
  | 'invalidPath'
  | 'noTarget'
  | 'invalidValue'
  | 'invalidVers'
  | 'sensitive';

/**
 * A failure to answer in the SCIM error schema (RFC 7644 §3.12): what the SCIM parsers and use cases throw when the
 * protocol (not the domain) is at fault. `detail` is the message, shown to the identity provider's admin: never a value
 * from the request that could be personal data.
 */
export class ScimError extends Error {
  constructor(
    readonly status: number,
    readonly scimType?: ScimType,
    detail?: string,
  ) {
    super(detail ?? (scimType ? `SCIM error: ${scimType}` : `SCIM error ${status}`));
    this.name = 'ScimError';
  }
}

export const SCIM_ERROR_SCHEMA = 'urn:ietf:params:scim:api:messages:2.0:Error';

export interface ScimErrorBody {
  schemas: [typeof SCIM_ERROR_SCHEMA];
  /** A string, as RFC 7644 says (Entra and Okta read it so). */
  status: string;
  scimType?: ScimType;
  detail: string;
}

export function scimErrorBody(error: ScimError): ScimErrorBody {
  return {
    schemas: [SCIM_ERROR_SCHEMA],
    status: String(error.status),
    ...(error.scimType ? { scimType: error.scimType } : {}),
    detail: error.message,
  };
}
