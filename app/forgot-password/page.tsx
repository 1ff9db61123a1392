import type { Metadata } from 'next';
import Link from 'next/link';
import { ActionForm } from '@/components/action-form';
import { LinkPage } from '@/components/link-page';
import { requestPasswordResetAction } from './actions';

export const metadata: Metadata = { title: 'Forgot password' };

export default function ForgotPasswordPage() {
  return (
    <LinkPage title="Forgot your password?">
      <ActionForm
        action={requestPasswordResetAction}
        fields={[{ name: 'email', label: 'Email', type: 'email', autoComplete: 'username' }]}
        hint="We'll email you a link to choose a new one."
        submitLabel="Send reset link"
        pendingLabel="Sending…"
      />
      <Link href="/sign-in" className="text-sm font-medium text-indigo-700 underline">
        Back to sign-in
      </Link>
    </LinkPage>
  );
}
