// `npm run roster -- webhook:send <fixture.json>`: signs a Stripe event fixture the way Stripe does and POSTs it
// to a running Roster, for trying the webhook flow locally without a Stripe account.
import { randomBytes } from 'node:crypto';
import { readFile } from 'node:fs/promises';
import Stripe from 'stripe';
import { CliError, parseCommandLine, UsageError } from '../cli';
import type { Command } from './command';

/** `{{name}}` placeholders a fixture may use, the option that fills each, and the value used without it. */
export const placeholders = {
  user: { option: 'user', fallback: null, help: 'the Roster user id, or org_<organization id> for an organization (a checkout session\'s client_reference_id); default null: the checkout is ignored (customers are linked by it only)' },
  email: { option: 'email', fallback: 'jenny.rosen@example.com', help: 'the customer\'s email' },
  customer: { option: 'customer', fallback: 'cus_RosterLocal0001', help: 'the Stripe customer id' },
  subscription: { option: 'subscription', fallback: 'sub_RosterLocal0001', help: 'the Stripe subscription id; default sub_ + the customer id without cus_' },
  price: { option: 'price', fallback: 'price_pro_monthly', help: 'the subscription\'s price: map it to a plan in ROSTER_STRIPE_PLANS' },
  status: { option: 'status', fallback: 'active', help: 'the subscription status, e.g. trialing or past_due' },
} as const;

export type PlaceholderName = keyof typeof placeholders;
export type PlaceholderValues = Partial<Record<PlaceholderName, string>>;

const defaultUrl = `http://localhost:${process.env.PORT ?? 3000}`;

const usage = `Usage: npm run roster -- webhook:send <fixture.json> [options]

Signs a Stripe event (a JSON fixture, e.g. from fixtures/stripe/) with the webhook signing secret, as Stripe
would, and POSTs it to the server's /api/webhooks/stripe. Prints the response; exits 1 unless it is a 2xx.

Every send is a new event: the fixture gets a fresh id (evt_...) and created = now, so sending the same fixture
twice delivers two events. --keep-id sends the fixture's own id and created time instead: sending it again is
a redelivery, which Roster acknowledges as a duplicate and ignores.

A string value in the fixture that is exactly "{{name}}" is a placeholder, filled from these options:
${Object.values(placeholders)
  .map(({ option, fallback, help }) => `  --${`${option} VALUE`.padEnd(20)} ${help}${fallback && !help.includes('default') ? ` (default ${fallback})` : ''}`)
  .join('\n')}

Options:
  --url URL              the server (default ${defaultUrl})
  --secret whsec_...     the signing secret (default: STRIPE_WEBHOOK_SECRET; it must match the server's)
  --keep-id              keep the fixture's event id and created time
  -h, --help             show this help

Examples (the server running with ROSTER_STRIPE_PLANS=price_pro_monthly:pro and the same secret):
  npm run roster -- webhook:send fixtures/stripe/checkout.session.completed.json --user <user id> --customer cus_123
  npm run roster -- webhook:send fixtures/stripe/customer.subscription.created.json --customer cus_123
  npm run roster -- webhook:send fixtures/stripe/customer.subscription.deleted.json --customer cus_123`;

/** Fills every `{{name}}` placeholder (a whole string value) from `values`, else from its fallback. */
export function fillPlaceholders(value: unknown, values: PlaceholderValues): unknown {
  if (typeof value === 'string') {
    const name = /^\{\{(\w+)\}\}$/.exec(value)?.[1];
    if (name === undefined) return value;
    if (!Object.hasOwn(placeholders, name)) {
      throw new CliError(`the fixture uses an unknown placeholder {{${name}}}; known: ${Object.keys(placeholders).join(', ')}`);
    }
    const key = name as PlaceholderName;
    return values[key] ?? placeholders[key].fallback;
  }
  if (Array.isArray(value)) return value.map((item) => fillPlaceholders(item, values));
  if (value !== null && typeof value === 'object') {
    return Object.fromEntries(Object.entries(value).map(([key, item]) => [key, fillPlaceholders(item, values)]));
  }
  return value;
}

/**
 * Each customer gets a subscription of its own unless one is named: sending a deletion for one customer must not
 * leave another's subscription deleted (Roster ignores events for a deleted subscription).
 */
function withDerivedDefaults(values: PlaceholderValues): PlaceholderValues {
  if (values.subscription !== undefined || values.customer === undefined) return values;
  return { ...values, subscription: `sub_${values.customer.replace(/^cus_/, '')}` };
}

/** A Stripe event from a fixture: placeholders filled and, unless `keepId`, a fresh id and `created` = now. */
export function prepareEvent(fixture: unknown, { values = {}, keepId = false, now = new Date() }: { values?: PlaceholderValues; keepId?: boolean; now?: Date } = {}) {
  const event = fillPlaceholders(fixture, withDerivedDefaults(values)) as Record<string, unknown>;
  const data = event?.data as { object?: unknown } | undefined;
  if (typeof event !== 'object' || event === null || typeof event.type !== 'string' || typeof data?.object !== 'object') {
    throw new CliError('the fixture is not a Stripe event: it needs a "type" and a "data": { "object": { ... } }');
  }
  if (!keepId) {
    event.id = `evt_${randomBytes(12).toString('hex')}`;
    event.created = Math.floor(now.getTime() / 1000);
  }
  if (typeof event.id !== 'string' || typeof event.created !== 'number') {
    throw new CliError('with --keep-id the fixture needs its own "id" (a string) and "created" (Unix seconds)');
  }
  return event as { id: string; type: string; created: number } & Record<string, unknown>;
}

/** The endpoint for a server URL; a base path is kept (http://host/roster -> http://host/roster/api/webhooks/stripe). */
export function webhookEndpoint(serverUrl: string): string {
  let url: URL;
  try {
    url = new URL(serverUrl);
  } catch {
    throw new UsageError(`--url must be an absolute http(s) URL, got "${serverUrl}"`);
  }
  if (url.protocol !== 'http:' && url.protocol !== 'https:') throw new UsageError(`--url must be http or https, got "${serverUrl}"`);
  url.pathname = `${url.pathname.replace(/\/+$/, '')}/api/webhooks/stripe`;
  url.search = '';
  return url.toString();
}

async function readFixture(path: string): Promise<unknown> {
  let text: string;
  try {
    text = await readFile(path, 'utf8');
  } catch (error) {
    throw new CliError(`cannot read ${path}: ${(error as Error).message}`);
  }
  try {
    return JSON.parse(text);
  } catch (error) {
    throw new CliError(`${path} is not valid JSON: ${(error as Error).message}`);
  }
}

async function run(argv: string[]): Promise<void> {
  const placeholderOptions = Object.fromEntries(Object.values(placeholders).map(({ option }) => [option, { type: 'string' as const }]));
  const { values: parsed, positionals } = parseCommandLine(
    {
      args: argv,
      allowPositionals: true,
      options: { ...placeholderOptions, url: { type: 'string' }, secret: { type: 'string' }, 'keep-id': { type: 'boolean' } },
    },
    usage,
  );
  const values = parsed as Record<string, string | boolean | undefined>;
  if (positionals.length !== 1) throw new UsageError(`expected one fixture file, got ${positionals.length}\n\n${usage}`);
  const secret = (values.secret as string | undefined) ?? process.env.STRIPE_WEBHOOK_SECRET;
  if (!secret) {
    throw new UsageError('no signing secret: set STRIPE_WEBHOOK_SECRET to the server\'s value (a whsec_... string) or pass --secret');
  }
  const endpoint = webhookEndpoint((values.url as string | undefined) ?? defaultUrl);
  const fills: PlaceholderValues = {};
  for (const [name, { option }] of Object.entries(placeholders)) {
    const value = values[option] as string | undefined;
    if (value !== undefined) fills[name as PlaceholderName] = value;
  }

  const event = prepareEvent(await readFixture(positionals[0]!), { values: fills, keepId: Boolean(values['keep-id']) });
  const payload = JSON.stringify(event, null, 2);
  const signature = Stripe.webhooks.generateTestHeaderString({ payload, secret });

  console.log(`POST ${endpoint}  ${event.type} ${event.id}`);
  let response: Response;
  try {
    response = await fetch(endpoint, {
      method: 'POST',
      headers: { 'content-type': 'application/json', 'stripe-signature': signature },
      body: payload,
      signal: AbortSignal.timeout(30_000),
    });
  } catch (error) {
    const cause = (error as { cause?: { code?: string; message?: string } }).cause;
    throw new CliError(`could not reach ${endpoint}: ${cause?.code ?? cause?.message ?? (error as Error).message}. Is the server running (npm start)?`);
  }
  console.log(`${response.status} ${response.statusText}`);
  const body = await response.text();
  if (body) console.log(body);
  if (!response.ok) process.exitCode = 1;
}

const command: Command = { summary: 'sign a Stripe event fixture and POST it to a running Roster', run };
export default command;
