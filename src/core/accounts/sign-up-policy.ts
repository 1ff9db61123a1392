import 'server-only';
import { SignUpClosed } from '../errors';

/**
 * Who may create their own account (ROSTER_SIGN_UP): anyone (`open`, the default), nobody (`invite-only`: accounts
 * come from invitations, staff and the first setup), or addresses at the listed domains only. Invitations, staff
 * and the first-owner setup create accounts in every mode: the policy is about self sign-up only.
 */
export type SignUpPolicy = { mode: 'open' } | { mode: 'invite-only' } | { mode: 'domains'; domains: readonly string[] };

// A DNS name (labels of letters, digits and inner hyphens, at least two), lower-cased before the check.
const domainName = /^(?=.{1,253}$)(?:[a-z0-9](?:[a-z0-9-]{0,61}[a-z0-9])?\.)+[a-z0-9](?:[a-z0-9-]{0,61}[a-z0-9])?$/;

/** ROSTER_SIGN_UP parsed; throws, saying what is accepted, on anything else (the server then refuses to start). */
export function parseSignUpPolicy(value: string | undefined): SignUpPolicy {
  const setting = (value ?? '').trim();
  if (setting === '' || setting === 'open') return { mode: 'open' };
  if (setting === 'invite-only') return { mode: 'invite-only' };
  if (setting.startsWith('domains:')) {
    const domains = setting.slice('domains:'.length).split(',').map((domain) => domain.trim().toLowerCase());
    const bad = domains.filter((domain) => !domainName.test(domain));
    if (domains.length > 0 && bad.length === 0) return { mode: 'domains', domains: [...new Set(domains)] };
    throw new Error(`ROSTER_SIGN_UP: not a domain name: ${bad.map((domain) => `"${domain}"`).join(', ')} (expected domains:example.com,example.org)`);
  }
  throw new Error(`ROSTER_SIGN_UP must be open, invite-only or domains:example.com,example.org (got "${setting}")`);
}

/**
 * Refuses a self sign-up the policy doesn't allow, saying why. In `domains` mode the address's domain (after the
 * last @, any case) must be one of those listed exactly: a subdomain (mail.example.com) matches only if listed too.
 */
export function assertSignUpAllowed(policy: SignUpPolicy, email: string): void {
  if (policy.mode === 'open') return;
  if (policy.mode === 'invite-only') throw new SignUpClosed('Sign-up is by invitation only: ask an administrator to invite you.');
  const domain = email.slice(email.lastIndexOf('@') + 1).trim().toLowerCase();
  if (!policy.domains.includes(domain)) {
    throw new SignUpClosed(`Sign-up is open to addresses at ${policy.domains.join(', ')} only: use such an address, or ask an administrator to invite you.`);
  }
}
