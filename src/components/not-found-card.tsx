import Link from 'next/link';

/** What a console page shows for something that isn't there (deleted, or a wrong link), with the way back. */
export function NotFoundCard({ title, hint, backHref, backLabel }: { title: string; hint: string; backHref: string; backLabel: string }) {
  return (
    <div className="rounded-lg border border-slate-200 bg-white p-6 shadow-sm">
      <h1 className="text-lg font-semibold">{title}</h1>
      <p className="mt-1 text-sm text-slate-600">{hint}</p>
      <Link href={backHref} className="mt-4 inline-block text-sm text-indigo-700 underline">{backLabel}</Link>
    </div>
  );
}
