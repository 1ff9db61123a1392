const neutral = 'bg-slate-100 text-slate-700';
const good = 'bg-emerald-100 text-emerald-800';
const warning = 'bg-amber-100 text-amber-800';
const bad = 'bg-red-100 text-red-800';
const waiting = 'bg-sky-100 text-sky-800';

const tones: Record<string, string> = {
  // Roles and account statuses.
  owner: 'bg-purple-100 text-purple-800',
  admin: 'bg-indigo-100 text-indigo-800',
  viewer: 'bg-sky-100 text-sky-800',
  member: neutral,
  active: good,
  suspended: warning,
  // Stripe subscription statuses.
  trialing: waiting,
  past_due: warning,
  incomplete: warning,
  unpaid: bad,
  paused: neutral,
  canceled: 'bg-slate-200 text-slate-700',
  incomplete_expired: 'bg-slate-200 text-slate-700',
  // Webhook event statuses.
  processed: good,
  ignored: neutral,
  pending: waiting,
  failed: bad,
  // API key statuses (active is shared with accounts).
  expired: warning,
  revoked: bad,
  // Outgoing webhook deliveries and endpoints (pending and failed are shared with Stripe's events).
  succeeded: good,
  enabled: good,
  disabled: neutral,
  failing: bad,
  // Invitation and email statuses (pending, failed and expired are shared).
  accepted: good,
  sent: good,
  kept: waiting,
};

export function Badge({ value }: { value: string }) {
  return <span className={`inline-flex rounded-full px-2 py-0.5 text-xs font-medium ${tones[value] ?? neutral}`}>{value}</span>;
}
