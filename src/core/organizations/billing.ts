import 'server-only';
import { eq, sql } from 'drizzle-orm';
import type { Transaction } from '@/db/client';
import { organizations, type OrganizationRow } from '@/db/schema';
import { diffFields, recordEvent, type EventType } from '../events';
import type { Principal } from '../principal';
import { toOrganizationDto } from './dto';

export type OrganizationBillingChanges = Partial<Pick<OrganizationRow, 'plan' | 'stripeCustomerId' | 'subscriptionStatus'>>;

/**
 * What Stripe changes on an organization whose row is locked in `tx` (by Roster's Stripe principal, never through
 * the API): bumps the version and records the same event types a user's billing records, about the organization.
 * Changing nothing writes nothing.
 */
export async function applyOrganizationBilling(
  tx: Transaction,
  principal: Principal,
  current: OrganizationRow,
  changes: OrganizationBillingChanges,
  type: Extract<EventType, 'subscription.updated' | 'customer.linked'>,
): Promise<OrganizationRow> {
  const diff = diffFields(current, { ...current, ...changes }, Object.keys(changes) as (keyof OrganizationBillingChanges)[]);
  if (Object.keys(diff).length === 0) return current;
  const [row] = await tx
    .update(organizations)
    .set({ ...changes, version: sql`${organizations.version} + 1`, updatedAt: new Date() })
    .where(eq(organizations.id, current.id))
    .returning();
  await recordEvent(tx, principal, {
    type,
    subject: { type: 'organization', id: current.id },
    organizationId: current.id,
    changes: diff,
    data: { organization: toOrganizationDto(row!) },
  });
  return row!;
}
