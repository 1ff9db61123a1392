import 'server-only';

/** Stripe price or product id -> Roster plan, e.g. from ROSTER_STRIPE_PLANS=price_123:pro,prod_456:team. */
export type PlanMap = ReadonlyMap<string, string>;

export function parsePlanMap(value: string | undefined): PlanMap {
  const map = new Map<string, string>();
  for (const pair of (value ?? '').split(',')) {
    const [stripeId, plan] = pair.split(':').map((part) => part.trim());
    if (stripeId && plan) map.set(stripeId, plan);
  }
  return map;
}

export const planMapFromEnv = (): PlanMap => parsePlanMap(process.env.ROSTER_STRIPE_PLANS);
