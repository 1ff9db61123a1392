export { createRosterClient, isProblem, RosterProblem, unwrap, type Problem, type ProblemError, type RosterClient, type RosterClientOptions } from './api.js';
export { subscribeEvents, type EventSubscription, type RosterEvent, type RosterEventOf, type RosterEventType, type SubscribeOptions } from './events.js';
export { rosterJwtVerifier, rosterProxy, type RosterClaims, type RosterJwtOptions, type RosterJwtVerifier, type RosterProxyOptions } from './jwt.js';
export { verifyWebhook, WebhookVerificationError, type WebhookHeaders } from './webhooks.js';
export type { components, operations, paths } from './openapi-types.js';
