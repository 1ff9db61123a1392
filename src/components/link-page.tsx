import Link from 'next/link';
import { Alert } from './alert';

/** The frame of the pages an emailed link opens: a heading, then the form or why the link can't be used. */
export function LinkPage({ title, children }: { title: string; children: React.ReactNode }) {
  return (
    <div className="mx-auto max-w-sm space-y-6 pt-8">
      <h1 className="text-2xl font-semibold tracking-tight">{title}</h1>
      <div className="space-y-6 rounded-lg border border-slate-200 bg-white p-6 shadow-sm">{children}</div>
    </div>
  );
}

/** A link that can't be used (expired, used, withdrawn or mistyped), said plainly, with somewhere to go next. */
export function UnusableLink({ message, next = { href: '/sign-in', label: 'Go to sign-in' } }: { message: string; next?: { href: string; label: string } }) {
  return (
    <>
      <Alert tone="error">{message}</Alert>
      <Link href={next.href} className="text-sm font-medium text-indigo-700 underline">
        {next.label}
      </Link>
    </>
  );
}
