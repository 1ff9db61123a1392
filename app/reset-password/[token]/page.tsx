import type { Metadata } from 'next';
import { ActionForm } from '@/components/action-form';
import { LinkPage, UnusableLink } from '@/components/link-page';
import { accountLinkProblem } from '@/core/accounts';
import { getDatabase } from '@/db';
import { resetPasswordAction } from '../actions';

export const metadata: Metadata = { title: 'Choose a new password', referrer: 'same-origin' };

export default async function ResetPasswordPage({ params }: { params: Promise<{ token: string }> }) {
  const { token } = await params;
  const problem = await accountLinkProblem((await getDatabase()).db, 'password-reset', token);
  return (
    <LinkPage title="Choose a new password">
      {problem ? (
        <UnusableLink message={problem} next={{ href: '/forgot-password', label: 'Ask for a new link' }} />
      ) : (
        <ActionForm
          action={resetPasswordAction}
          hidden={{ token }}
          fields={[
            { name: 'password', label: 'New password', type: 'password', autoComplete: 'new-password', secret: true },
            { name: 'confirmPassword', label: 'Confirm new password', type: 'password', autoComplete: 'new-password', secret: true },
          ]}
          hint="At least 10 characters. Every device signed in to your account is signed out."
          submitLabel="Set new password"
          pendingLabel="Saving…"
        />
      )}
    </LinkPage>
  );
}

