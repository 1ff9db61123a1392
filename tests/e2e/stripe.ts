import { execFile } from 'node:child_process';
import { expect, type APIRequestContext, type Locator, type Page } from '@playwright/test';
import { uniqueUser } from './support';

/** The server's STRIPE_WEBHOOK_SECRET, as set in playwright.config.ts. */
export const webhookSecret = 'whsec_roster_e2e_secret';

export type Fixture =
  | 'checkout.session.completed'
  | 'customer.subscription.created'
  | 'customer.subscription.updated'
  | 'customer.subscription.deleted'
  | 'invoice.payment_failed'
  | 'customer.created';

export interface CliResult {
  exitCode: number;
  stdout: string;
  stderr: string;
  /** The id of the event the CLI sent (it prints it before posting). */
  eventId: string;
}

/**
 * Sends a fixture from fixtures/stripe/ through the real CLI: `npm run roster -- webhook:send`, with the
 * server's secret in the environment, as a developer would. `flags` fill the fixture's placeholders.
 */
export function sendFixture(baseURL: string, fixture: Fixture, flags: Record<string, string> = {}, extraArgs: string[] = []): Promise<CliResult> {
  const args = ['run', '--silent', 'roster', '--', 'webhook:send', `fixtures/stripe/${fixture}.json`, '--url', baseURL, ...extraArgs];
  for (const [flag, value] of Object.entries(flags)) args.push(`--${flag}`, value);
  return new Promise((resolve) => {
    execFile('npm', args, { env: { ...process.env, STRIPE_WEBHOOK_SECRET: webhookSecret }, timeout: 60_000 }, (error, stdout, stderr) => {
      const exitCode = error ? (typeof error.code === 'number' ? error.code : 1) : 0;
      resolve({ exitCode, stdout, stderr, eventId: /\bevt_\w+/.exec(stdout)?.[0] ?? '' });
    });
  });
}

/** Sends a fixture and expects Roster to have stored it (200, not a duplicate). */
export async function deliver(baseURL: string, fixture: Fixture, flags: Record<string, string> = {}): Promise<string> {
  const result = await sendFixture(baseURL, fixture, flags);
  expect(result.exitCode, result.stderr).toBe(0);
  expect(result.stdout).toContain('200 OK');
  expect(result.stdout).toContain('"duplicate":false');
  expect(result.eventId).toMatch(/^evt_[0-9a-f]{24}$/);
  return result.eventId;
}

/** A user created through the REST API, with Stripe ids of their own. */
export async function createCustomer(request: APIRequestContext, label: string) {
  const user = uniqueUser(label);
  const response = await request.post('/api/v1/users', { data: { email: user.email, name: user.name } });
  expect(response.status()).toBe(201);
  const { id } = (await response.json()) as { id: string };
  return { ...user, id, customer: `cus_${user.token}`, subscription: `sub_${user.token}` };
}

/** The Billing events page's row for an event. */
export function eventRow(page: Page, eventId: string): Locator {
  return page.getByRole('row').filter({ hasText: eventId });
}

const eventColumns = { status: 2, error: 4 } as const;

/** One cell of an event's row on the Billing events page: its status badge, or its last error (or ignore reason). */
export function eventCell(row: Locator, column: keyof typeof eventColumns): Locator {
  return row.getByRole('cell').nth(eventColumns[column]);
}

/**
 * Reloads the Billing events page until the event shows the status. The page is cached and the route expires it with
 * revalidateTag(tag, 'max') (stale-while-revalidate), so a load or two may still show the previous state.
 */
export async function expectEventStatus(page: Page, eventId: string, status: 'processed' | 'ignored' | 'pending' | 'failed'): Promise<Locator> {
  const row = eventRow(page, eventId);
  await expect(async () => {
    await page.goto('/webhooks');
    await expect(eventCell(row, 'status')).toHaveText(status, { timeout: 1_000 });
  }).toPass({ timeout: 20_000 });
  return row;
}

/** Sends a subscription event whose price no plan is configured for: its processing fails for good. */
export async function deliverUnmappedSubscription(baseURL: string, page: Page, user: { customer: string; subscription: string; token: string }) {
  const price = `price_unmapped_${user.token}`;
  const eventId = await deliver(baseURL, 'customer.subscription.updated', { customer: user.customer, subscription: user.subscription, price });
  const row = await expectEventStatus(page, eventId, 'failed');
  const error = `No plan configured for price ${price}: add it to ROSTER_STRIPE_PLANS and reprocess`;
  await expect(row).toContainText(error);
  return { eventId, row, error };
}
