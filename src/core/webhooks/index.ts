export {
  defaultRetryPolicy,
  listWebhookEvents,
  processDueWebhookEvents,
  processWebhookEvent,
  reprocessWebhookEvent,
  storeWebhookEvent,
  SWEEPER_GRACE_MS,
  stripePrincipal,
  type ProcessResult,
  type RetryPolicy,
  type VerifiedEvent,
  type WebhookEventDto,
} from './events';
export { handledEventTypes } from '../billing/apply-stripe-event';
export { parsePlanMap, type PlanMap } from '../billing/plans';
