import type { Metadata } from 'next';
import Link from 'next/link';
import { redirect } from 'next/navigation';
import { oidcConfig, signUpPolicy } from '@/auth/config';
import { consolePrincipal } from '@/actions/context';
import { Alert } from '@/components/alert';
import { OidcSignInForm, SignInForm } from '@/components/sign-in-form';
import { SignUpNotice } from '@/components/sign-up-notice';
import { holds } from '@/core/authorization';
import { hasOwner } from '@/core/users';
import { getDatabase } from '@/db';
import { defaultConsolePath, safeNextPath } from '@/lib/next-path';
import { pickSearchParams, type SearchParams } from '@/lib/search-params';
import { PasskeySignIn } from '@/components/passkeys';
import { passkeySignInAction, passkeySignInOptionsAction, signInAction, signInWithOidcAction } from './actions';

export const metadata: Metadata = { title: 'Sign in' };

/** What Better Auth's `?error=` codes from a failed single sign-on mean to the person signing in. */
function oidcErrorMessage(code: string, providerName: string): string {
  // A first sign-in that would have made an account ROSTER_SIGN_UP doesn't allow (src/auth/auth.ts).
  if (code === 'SIGN_UP_CLOSED') return `There is no Roster account for your ${providerName} address, and it can't sign up: ask an administrator for an invitation.`;
  if (/suspended/i.test(code)) return 'This account is suspended.';
  if (/state|cancel|access_denied/i.test(code)) return `Signing in with ${providerName} was cancelled or expired. Try again.`;
  return `Signing in with ${providerName} failed. Try again, or use your email and password.`;
}

export default async function SignInPage({ searchParams }: { searchParams: Promise<SearchParams> }) {
  const { next: rawNext, error, notice } = pickSearchParams(await searchParams, ['next', 'error', 'notice']);
  const next = safeNextPath(rawNext);

  // Already signed in to the console: nothing to do here. (Members and suspended users may sign in as someone else.)
  const principal = await consolePrincipal();
  if (holds(principal, 'users:read')) redirect(next ?? defaultConsolePath);

  const setupPending = !(await hasOwner((await getDatabase()).db));
  const oidc = oidcConfig();

  return (
    <div className="mx-auto max-w-sm space-y-6 pt-8">
      <h1 className="text-2xl font-semibold tracking-tight">Sign in to Roster</h1>

      {setupPending && (
        <Alert tone="info">
          Roster has no owner yet. <Link href="/setup" className="font-medium text-indigo-700 underline">Set up the first owner account</Link>.
        </Alert>
      )}
      {error && oidc && <Alert tone="error">{oidcErrorMessage(error, oidc.name)}</Alert>}
      {notice === 'password-reset' && <Alert tone="success">Your password was changed and every session was signed out. Sign in with the new password.</Alert>}

      <div className="space-y-6 rounded-lg border border-slate-200 bg-white p-6 shadow-sm">
        <SignInForm action={signInAction} next={next} />
        <Link href="/forgot-password" className="block text-sm font-medium text-indigo-700 underline">
          Forgot password?
        </Link>
        <PasskeySignIn optionsAction={passkeySignInOptionsAction} signInAction={passkeySignInAction} next={next} />
        {oidc && (
          <>
            <div className="flex items-center gap-3 text-xs uppercase tracking-wide text-slate-400" aria-hidden="true">
              <span className="h-px flex-1 bg-slate-200" /> or <span className="h-px flex-1 bg-slate-200" />
            </div>
            <OidcSignInForm action={signInWithOidcAction} next={next} providerName={oidc.name} />
          </>
        )}
      </div>
      <SignUpNotice policy={signUpPolicy()} />
    </div>
  );
}
