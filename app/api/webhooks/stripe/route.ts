import { after } from 'next/server';
import { processWebhookEvent, storeWebhookEvent } from '@/core/webhooks';
import { getDatabase } from '@/db';
import { methodNotAllowed } from '@/http/api-resource';
import { errorToResponse } from '@/http/problem';
import { revalidateOrganizationViews, revalidateUserViews, revalidateWebhookViews } from '@/http/revalidate';
import { verifyStripeEvent } from '@/http/stripe-signature';

/**
 * Stripe's door. The event is verified, then stored (durable, unique by event id) before the 200; it is
 * processed after the response. If that never happens (crash, deploy), the sweeper picks it up.
 */
export async function POST(request: Request): Promise<Response> {
  try {
    const event = await verifyStripeEvent(request);
    const { db } = await getDatabase();
    const { stored } = await storeWebhookEvent(db, event);
    if (stored) {
      after(async () => {
        const { userIds, organizationIds } = await processWebhookEvent(db, event.id);
        userIds.forEach(revalidateUserViews);
        organizationIds.forEach((organizationId) => revalidateOrganizationViews(organizationId));
        revalidateWebhookViews();
      });
    }
    return Response.json({ received: true, duplicate: !stored }, { headers: { 'Cache-Control': 'no-store' } });
  } catch (error) {
    return errorToResponse(error, request);
  }
}

export const GET = methodNotAllowed(['POST']);
export const PUT = GET;
export const PATCH = GET;
export const DELETE = GET;
