import 'server-only';
import { PLAN_MAX } from '../users/schemas';

/** Stripe price or product id -> Roster plan, e.g. from ROSTER_STRIPE_PLANS=price_123:pro,prod_456:team. */
export type PlanMap = ReadonlyMap<string, string>;

export function parsePlanMap(value: string | undefined): PlanMap {
  const map = new Map<string, string>();
  for (const pair of (value ?? '').split(',')) {
    const [stripeId, plan] = pair.split(':').map((part) => part.trim());
    if (!stripeId || !plan) continue;
    // The API publishes a plan as at most PLAN_MAX characters: a longer name is a setting to fix, not to store.
    if (plan.length > PLAN_MAX) throw new Error(`ROSTER_STRIPE_PLANS: the plan name "${plan}" is over ${PLAN_MAX} characters`);
    map.set(stripeId, plan);
  }
  return map;
}

export const planMapFromEnv = (): PlanMap => parsePlanMap(process.env.ROSTER_STRIPE_PLANS);
