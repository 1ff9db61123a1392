import 'server-only';
import { eq } from 'drizzle-orm';
import type { Transaction } from '@/db/client';
import { organizations, users, type OrganizationRow, type UserRow } from '@/db/schema';
import { applyOrganizationBilling, type OrganizationBillingChanges } from '../organizations/billing';
import type { Principal } from '../principal';
import { applyUserChanges } from '../users/commands';
import { isUuid } from '../validation';

/** Who pays: a user, or an organization (its plan is the organization's, whoever of its members checked out). */
export type Customer = { kind: 'user'; row: UserRow } | { kind: 'organization'; row: OrganizationRow };

export type BillingChanges = Pick<OrganizationBillingChanges, 'plan' | 'stripeCustomerId' | 'subscriptionStatus'>;

/** The ids whose cached views a change to `customer` makes stale. */
export interface ChangedCustomers {
  userIds: string[];
  organizationIds: string[];
}

export const changedCustomer = (customer: Customer): ChangedCustomers =>
  customer.kind === 'user' ? { userIds: [customer.row.id], organizationIds: [] } : { userIds: [], organizationIds: [customer.row.id] };

/** The prefix of a checkout's `client_reference_id` that names an organization: `org_<organization id>`. */
export const organizationReferencePrefix = 'org_';

/**
 * What a checkout's `client_reference_id` names: a user's id, or `org_<id>` for an organization. `'invalid'` when
 * it is neither form, null when the form is right but nothing has that id; the row is locked for the transaction.
 */
export async function customerNamedBy(tx: Transaction, reference: string): Promise<Customer | null | 'invalid'> {
  if (reference.startsWith(organizationReferencePrefix)) {
    const id = reference.slice(organizationReferencePrefix.length);
    if (!isUuid(id)) return 'invalid';
    const [row] = await tx.select().from(organizations).where(eq(organizations.id, id)).for('update');
    return row ? { kind: 'organization', row } : null;
  }
  if (!isUuid(reference)) return 'invalid';
  const [row] = await tx.select().from(users).where(eq(users.id, reference)).for('update');
  return row ? { kind: 'user', row } : null;
}

/** The user or organization linked to a Stripe customer (locked), or null while none is. */
export async function customerLinkedTo(tx: Transaction, stripeCustomerId: string): Promise<Customer | null> {
  const [user] = await tx.select().from(users).where(eq(users.stripeCustomerId, stripeCustomerId)).for('update');
  if (user) return { kind: 'user', row: user };
  const [organization] = await tx.select().from(organizations).where(eq(organizations.stripeCustomerId, stripeCustomerId)).for('update');
  return organization ? { kind: 'organization', row: organization } : null;
}

/** How the customer is named in failure messages (what an operator reads in the Stripe events list). */
export const describeCustomer = (customer: Customer) => `${customer.kind === 'user' ? 'User' : 'Organization'} ${customer.row.id}`;

/** Writes billing changes to the customer's locked row, with its event, through the user's or organization's core. */
export async function applyBillingChanges(
  tx: Transaction,
  principal: Principal,
  customer: Customer,
  changes: BillingChanges,
  type: 'subscription.updated' | 'customer.linked',
): Promise<void> {
  if (customer.kind === 'user') await applyUserChanges(tx, principal, customer.row, changes, type);
  else await applyOrganizationBilling(tx, principal, customer.row, changes, type);
}
