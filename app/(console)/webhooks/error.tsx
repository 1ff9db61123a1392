'use client';

import { PageError } from '@/components/page-error';

/** Shown when the webhooks page fails to render (e.g. the database is down). */
export default function WebhooksError(props: { error: Error & { digest?: string }; reset: () => void }) {
  return <PageError title="Webhook events could not be loaded" {...props} />;
}
