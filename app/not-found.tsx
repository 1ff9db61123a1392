import type { Metadata } from 'next';
import { NotFoundCard } from '@/components/not-found-card';

export const metadata: Metadata = { title: 'Not found' };

/** Any path that is no page. Next's built-in one styles itself inline, which the pages' policy (proxy.ts) forbids. */
export default function NotFound() {
  return <NotFoundCard title="Page not found" hint="The link may be wrong, or the page may have moved." backHref="/users" backLabel="Back to users" />;
}
