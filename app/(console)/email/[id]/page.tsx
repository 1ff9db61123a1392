import type { Metadata } from 'next';
import Link from 'next/link';
import { notFound } from 'next/navigation';
import { consoleContext } from '@/actions/context';
import { requireConsoleUser } from '@/actions/require-console-user';
import { Alert } from '@/components/alert';
import { NotFound } from '@/core/errors';
import { readKeptMail } from '@/core/mail';

export const metadata: Metadata = { title: 'Kept email', referrer: 'same-origin' };

/** A message kept because no mail server is configured: owners read it here and pass its link to its recipient. */
export default async function KeptEmailPage({ params }: { params: Promise<{ id: string }> }) {
  const { id } = await params;
  await requireConsoleUser(`/email/${id}`);
  const mail = await readKeptMail(await consoleContext(), id).catch((error: unknown) => {
    if (error instanceof NotFound) notFound();
    throw error;
  });
  const link = /https?:\/\/\S+/.exec(mail.text)?.[0];
  return (
    <div className="max-w-2xl space-y-6">
      <Link href="/email" className="text-sm text-slate-600 hover:text-slate-900">← Email</Link>
      <h1 className="text-2xl font-semibold tracking-tight">{mail.subject}</h1>
      <p className="text-sm text-slate-500">To {mail.recipient} · {mail.kind}</p>
      <Alert tone="info">
        Not sent: no mail server is configured. {link ? `The link below acts for ${mail.recipient}: give it only to them.` : ''}
      </Alert>
      <pre className="whitespace-pre-wrap rounded-lg border border-slate-200 bg-white p-6 text-sm shadow-sm">{mail.text}</pre>
      {link && (
        <a href={link} className="text-sm font-medium text-indigo-700 underline">
          Open the link
        </a>
      )}
    </div>
  );
}
