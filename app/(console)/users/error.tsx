'use client';

import { PageError } from '@/components/page-error';

/** Shown when a users page fails to render (e.g. the database is down). */
export default function UsersError(props: { error: Error & { digest?: string }; reset: () => void }) {
  return <PageError title="Users could not be loaded" {...props} />;
}
