'use client';

import { PageError } from '@/components/page-error';

/** Shown when the account page fails to render (e.g. the database is down). */
export default function AccountError(props: { error: Error & { digest?: string }; reset: () => void }) {
  return <PageError title="Your account could not be loaded" {...props} />;
}
