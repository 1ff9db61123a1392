import type { Metadata } from 'next';
import Link from 'next/link';

export const metadata: Metadata = { title: 'Not found' };

/** Any path that is no page. Next's built-in one styles itself inline, which the pages' policy (proxy.ts) forbids. */
export default function NotFound() {
  return (
    <div className="rounded-lg border border-slate-200 bg-white p-6 shadow-sm">
      <h1 className="text-lg font-semibold">Page not found</h1>
      <p className="mt-1 text-sm text-slate-600">The link may be wrong, or the page may have moved.</p>
      <Link href="/users" className="mt-4 inline-block text-sm text-indigo-700 underline">Back to users</Link>
    </div>
  );
}
