import type { SignUpPolicy } from '@/core/accounts/sign-up-policy';

/**
 * Who may create an account, where a page lets people in (ROSTER_SIGN_UP): nothing when anyone may; otherwise who
 * may sign up, and that everyone else needs an invitation. Single sign-on's first sign-in is a sign-up too.
 */
export function SignUpNotice({ policy }: { policy: SignUpPolicy }) {
  if (policy.mode === 'open') return null;
  return (
    <p className="text-sm text-slate-600">
      {policy.mode === 'invite-only'
        ? 'New accounts are by invitation only: ask an administrator to invite you.'
        : `Only addresses at ${policy.domains.join(', ')} may sign up; anyone else needs an invitation from an administrator.`}
    </p>
  );
}
