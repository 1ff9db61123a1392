'use client';

import { PageError } from '@/components/page-error';

/** Shown when the API keys page fails to render (e.g. the database is down). */
export default function ApiKeysError(props: { error: Error & { digest?: string }; reset: () => void }) {
  return <PageError title="API keys could not be loaded" {...props} />;
}
