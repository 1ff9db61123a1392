export {
  createWebhookEndpoint,
  createOrganizationWebhookEndpoint,
  listWebhookEndpoints,
  listOrganizationWebhookEndpoints,
  getWebhookEndpoint,
  updateWebhookEndpoint,
  deleteWebhookEndpoint,
  rotateWebhookSecret,
  sendTestEvent,
  mayManageWebhookEndpoint,
} from './endpoints';
export { listDeliveries, retryDelivery, type DeliveryPage } from './deliveries';
export { dispatchEvents, dispatchBatchSize } from './dispatch';
export { claimDueDeliveries, attemptDelivery, retrySchedule, failingLimitMs, deliveryTimeoutMs, type AttemptOutcome, type ClaimedDelivery, type DeliveryOptions } from './deliver';
export { sendWebhook, type Send, type SendRequest, type SendResult } from './http-sender';
export type { SecretBox } from './signing';
export { signingSecret } from './signing';
export { isPublicAddress, networkPolicyFromEnv, refusalFor, type NetworkPolicy, type Resolve } from './network';
export { webhookDeliveryDto, webhookDeliveryPage, webhookEndpointDto, type WebhookDeliveryDto, type WebhookEndpointDto } from './dto';
export { createEndpointInput, listDeliveriesQuery, updateEndpointInput, type CreateEndpointInput, type UpdateEndpointInput } from './schemas';
export { deliverableEventTypes } from './schemas';
