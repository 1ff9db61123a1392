import type { Metadata } from 'next';
import Link from 'next/link';
import { ActionForm } from '@/components/action-form';
import { LinkPage } from '@/components/link-page';
import { safeNextPath } from '@/lib/next-path';
import { pickSearchParams, type SearchParams } from '@/lib/search-params';
import { verifySecondFactorAction } from '../actions';

export const metadata: Metadata = { title: 'Two-factor sign-in' };

/** After the password: the code from the authenticator app, or a recovery code. */
export default async function TwoFactorSignInPage({ searchParams }: { searchParams: Promise<SearchParams> }) {
  const { next: rawNext } = pickSearchParams(await searchParams, ['next']);
  const next = safeNextPath(rawNext);
  const carried: Record<string, string> = next ? { next } : {};
  return (
    <LinkPage title="Two-factor sign-in">
      <ActionForm
        action={verifySecondFactorAction}
        hidden={{ ...carried, method: 'totp' }}
        fields={[{ name: 'code', label: 'Code from your authenticator app', autoComplete: 'one-time-code', secret: true }]}
        submitLabel="Verify"
        pendingLabel="Verifying…"
      />
      <details className="text-sm">
        <summary className="cursor-pointer font-medium text-slate-700">Lost your phone? Use a recovery code</summary>
        <ActionForm
          action={verifySecondFactorAction}
          hidden={{ ...carried, method: 'recovery' }}
          fields={[{ name: 'code', id: 'field-recovery-code', label: 'Recovery code', autoComplete: 'off', secret: true }]}
          submitLabel="Use recovery code"
          pendingLabel="Verifying…"
          tone="secondary"
          className="mt-3 space-y-4"
        />
      </details>
      <Link href="/sign-in" className="text-sm font-medium text-indigo-700 underline">
        Start over
      </Link>
    </LinkPage>
  );
}
