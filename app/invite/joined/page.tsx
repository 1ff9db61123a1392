import type { Metadata } from 'next';
import { LinkPage } from '@/components/link-page';
import { Alert } from '@/components/alert';

export const metadata: Metadata = { title: 'Invitation accepted' };

/** Where joining an organization by invitation lands: the membership exists; the product's app shows the rest. */
export default function JoinedPage() {
  return (
    <LinkPage title="Invitation accepted">
      <Alert tone="success">You joined the organization. You can close this page and continue in your app.</Alert>
    </LinkPage>
  );
}
