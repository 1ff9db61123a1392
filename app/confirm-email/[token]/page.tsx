import type { Metadata } from 'next';
import { ConfirmLinkPage } from '@/components/confirm-link-page';
import { confirmEmailChangeAction } from '../actions';

export const metadata: Metadata = { title: 'Confirm your new email', referrer: 'same-origin' };

export default async function ConfirmEmailPage({ params }: { params: Promise<{ token: string }> }) {
  return (
    <ConfirmLinkPage
      purpose="email-change"
      token={(await params).token}
      title="Confirm your new email"
      explanation="Make this address your account's email. You will sign in with it from now on."
      submitLabel="Confirm my new email"
      action={confirmEmailChangeAction}
    />
  );
}
