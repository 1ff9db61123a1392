'use client';

import { PageError } from '@/components/page-error';

/** Shown when the Email log or a kept message fails to render (not allowed, or the database is down). */
export default function EmailError(props: { error: Error & { digest?: string }; reset: () => void }) {
  return <PageError title="Email could not be shown" {...props} />;
}
