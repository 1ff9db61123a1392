import 'server-only';
import { OpenApiGeneratorV31, OpenAPIRegistry } from '@asteasolutions/zod-to-openapi';
import { z } from 'zod';
import { auditEventsOperations } from './audit-events';
import { eventsOperations } from './events';
import { invitationsOperations } from './invitations';
import { jobsOperations } from './jobs';
import { meOperations } from './me';
import { metricsOperations } from './metrics';
import { organizationInvitationsOperations } from './organization-invitations';
import { organizationKeysOperations } from './organization-keys';
import { scimConnectionOperations } from './scim-connections';
import { organizationsOperations } from './organizations';
import { anyCredential, toRouteConfig, type Operation } from './operation';
import { probesOperations } from './probes';
import { usersOperations } from './users';
import { userStaffToolsOperations } from './user-staff-tools';
import { usersImportOperations } from './users-import';
import { webhookEndpointOperations } from './webhook-endpoints';

const contractOperations: Operation[] = [
  {
    method: 'get',
    path: '/api/v1/openapi.json',
    operationId: 'openApiDocument',
    summary: 'This document',
    description: 'The OpenAPI 3.1 contract of `/api/v1`, generated from the schemas the server validates with. The docs UI is at `/api/docs`.',
    tag: 'Contract',
    access: 'public',
    success: { status: 200, description: 'The OpenAPI document.', schema: z.looseObject({ openapi: z.literal('3.1.0'), paths: z.record(z.string().max(200), z.unknown()) }) },
  },
];

/** Every operation of the public API, by resource. A new route adds its module's operations here. */
const operations: Operation[] = [...usersOperations, ...userStaffToolsOperations, ...usersImportOperations, ...meOperations, ...organizationsOperations, ...organizationInvitationsOperations, ...organizationKeysOperations, ...scimConnectionOperations, ...invitationsOperations, ...jobsOperations, ...metricsOperations, ...eventsOperations, ...auditEventsOperations, ...webhookEndpointOperations, ...probesOperations, ...contractOperations];

const bearer = (description: string, bearerFormat?: string) => ({ type: 'http' as const, scheme: 'bearer', description, ...(bearerFormat ? { bearerFormat } : {}) });

function build() {
  const registry = new OpenAPIRegistry();
  registry.registerComponent('securitySchemes', 'apiKey', bearer('An integration’s API key (`rst_…`), from the console’s API keys page or `npm run roster -- create-api-key`.', 'rst_…'));
  registry.registerComponent('securitySchemes', 'sessionToken', bearer('A session token: the `set-auth-token` header of `POST /api/auth/sign-in/email`.'));
  registry.registerComponent(
    'securitySchemes',
    'jwt',
    bearer(
      'A 15-minute JWT from `GET /api/auth/token` (verify with `/api/auth/jwks`), or a trusted issuer’s. Checked as RFC8725 (JWT best current practices) asks: the signature against the issuer’s JWKS with the key’s algorithm (never `none`), then `iss`, `aud` and `exp`.',
      'JWT',
    ),
  );
  for (const operation of operations) registry.registerPath(toRouteConfig(operation));
  return new OpenApiGeneratorV31(registry.definitions).generateDocument({
    openapi: '3.1.0',
    info: {
      title: 'Roster API',
      version: '1',
      contact: { name: 'The operator of this Roster server' },
      description:
        'User management over REST. Every error is RFC 9457 `application/problem+json`. Every `/api/v1` answer to an authenticated caller carries its request budget in `RateLimit-Policy` and `RateLimit`; past it, 429 with `Retry-After`. Any other method on a path is 405 with `Allow`.',
    },
    // Relative: the server this document is served from, wherever it runs.
    servers: [{ url: '/', description: 'This Roster server (production, staging or local alike: the one serving this document).', 'x-internal': false }],
    // What an operation needs unless it says otherwise (the probes and this document need nothing).
    security: anyCredential,
    tags: [{ name: 'Users' }, { name: 'Me' }, { name: 'Organizations' }, { name: 'SCIM connections' }, { name: 'Invitations' }, { name: 'Jobs' }, { name: 'Events' }, { name: 'Webhooks' }, { name: 'Metrics' }, { name: 'Probes' }, { name: 'Contract' }],
  });
}

let document: ReturnType<typeof build> | undefined;

/** The OpenAPI 3.1 document, built once per process from the operations above. */
export function openApiDocument() {
  document ??= build();
  return document;
}
