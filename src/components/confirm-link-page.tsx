import type { ActionState } from '@/actions/action-state';
import { accountLinkProblem } from '@/core/accounts';
import type { AccountTokenRow } from '@/db/schema';
import { getDatabase } from '@/db';
import { ConfirmLinkForm } from './confirm-link-form';
import { LinkPage } from './link-page';

interface ConfirmLinkPageProps {
  purpose: AccountTokenRow['purpose'];
  token: string;
  title: string;
  explanation: string;
  submitLabel: string;
  action: (state: ActionState, formData: FormData) => Promise<ActionState>;
}

/** A link that confirms something with one button press (verifying an email, a change of email). */
export async function ConfirmLinkPage({ purpose, token, title, explanation, submitLabel, action }: ConfirmLinkPageProps) {
  const problem = await accountLinkProblem((await getDatabase()).db, purpose, token);
  return (
    <LinkPage title={title}>
      <ConfirmLinkForm token={token} problem={problem} explanation={explanation} submitLabel={submitLabel} action={action} />
    </LinkPage>
  );
}
