import type { Metadata } from 'next';
import { ConfirmLinkPage } from '@/components/confirm-link-page';
import { confirmEmailVerificationAction } from '../actions';

export const metadata: Metadata = { title: 'Confirm your email', referrer: 'same-origin' };

export default async function VerifyEmailPage({ params }: { params: Promise<{ token: string }> }) {
  return (
    <ConfirmLinkPage
      purpose="email-verification"
      token={(await params).token}
      title="Confirm your email"
      explanation="Confirm that this address belongs to your account."
      submitLabel="Confirm my email"
      action={confirmEmailVerificationAction}
    />
  );
}
