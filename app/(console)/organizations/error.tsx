'use client';

import { PageError } from '@/components/page-error';

/** Shown when an organizations page fails to render (e.g. the database is down). */
export default function OrganizationsError(props: { error: Error & { digest?: string }; reset: () => void }) {
  return <PageError title="Organizations could not be loaded" {...props} />;
}
