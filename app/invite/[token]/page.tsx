import type { Metadata } from 'next';
import { oidcConfig } from '@/auth/config';
import { ActionForm } from '@/components/action-form';
import { Alert } from '@/components/alert';
import { LinkPage, UnusableLink } from '@/components/link-page';
import { InvitationUnusable, inspectInvitationLink } from '@/core/invitations';
import { getDatabase } from '@/db';
import { acceptInvitationAction, acceptInvitationWithOidcAction } from '../actions';
import { JoinExistingAccount } from './join-existing';

export const metadata: Metadata = { title: 'Accept your invitation', referrer: 'same-origin' };

/**
 * Where an invitation's link leads: set a name and password (or continue with single sign-on) and land signed in; or,
 * invited into an organization with an address that has an account, sign in and join it.
 */
export default async function InvitationPage({ params }: { params: Promise<{ token: string }> }) {
  const { token } = await params;
  const link = await inspectInvitationLink((await getDatabase()).db, token);
  const oidc = oidcConfig();
  if (link.state !== 'pending') {
    return (
      <LinkPage title="Invitation">
        <UnusableLink message={new InvitationUnusable(link.state).message} />
      </LinkPage>
    );
  }
  const { organization } = link;
  if (organization && link.hasAccount) {
    return (
      <LinkPage title={`Join ${organization.name}`}>
        <p className="text-sm text-slate-600">
          You are invited to join <strong>{organization.name}</strong> as <strong>{organization.role}</strong> with your account <strong>{link.email}</strong>.
        </p>
        <JoinExistingAccount token={token} email={link.email} organization={organization.name} />
      </LinkPage>
    );
  }
  return (
    <LinkPage title={organization ? `Join ${organization.name}` : 'Join Roster'}>
      <p className="text-sm text-slate-600">
        {organization ? (
          <>
            You are invited to join <strong>{organization.name}</strong> as <strong>{organization.role}</strong> with the address <strong>{link.email}</strong>.
          </>
        ) : (
          <>
            You are invited as <strong>{link.role}</strong> with the address <strong>{link.email}</strong>.
          </>
        )}
      </p>
      {link.replacesUnverifiedAccount && (
        <Alert tone="info">
          Someone registered <strong>{link.email}</strong> without ever confirming the address. This invitation link proves it is yours: creating your account
          here deletes that account and everything in it (its password, sessions and the organizations only it owns).
        </Alert>
      )}
      <ActionForm
        action={acceptInvitationAction}
        hidden={{ token }}
        fields={[
          { name: 'name', label: 'Your name', autoComplete: 'name' },
          { name: 'password', label: 'Password', type: 'password', autoComplete: 'new-password', secret: true },
          { name: 'confirmPassword', label: 'Confirm password', type: 'password', autoComplete: 'new-password', secret: true },
        ]}
        hint="At least 10 characters."
        submitLabel="Create my account"
        pendingLabel="Creating…"
      />
      {oidc && (
        <ActionForm
          action={acceptInvitationWithOidcAction}
          hidden={{ token }}
          fields={[{ name: 'name', id: 'field-sso-name', label: 'Your name (for single sign-on)', autoComplete: 'name' }]}
          hint={`Or sign in with ${oidc.name} using ${link.email}, without a password here.`}
          submitLabel={`Continue with ${oidc.name}`}
          pendingLabel="Redirecting…"
          tone="secondary"
        />
      )}
    </LinkPage>
  );
}
