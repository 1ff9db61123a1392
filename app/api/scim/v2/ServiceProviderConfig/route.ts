import { scimBaseUrl } from '@/core/scim';
import { serviceProviderConfig } from '@/core/scim/discovery';
import { scimHandler, scimJson } from '@/http/scim/route';

/** What this SCIM server supports (RFC 7644 §4); like every SCIM route it needs a connection token. */
export const GET = scimHandler(async () => scimJson(serviceProviderConfig(scimBaseUrl())));
