'use client';

import { PageError } from '@/components/page-error';

/** Shown when the invitations page fails to render (e.g. the database is down). */
export default function InvitationsError(props: { error: Error & { digest?: string }; reset: () => void }) {
  return <PageError title="Invitations could not be loaded" {...props} />;
}
