import Link from 'next/link';

export default function OrganizationNotFound() {
  return (
    <div className="rounded-lg border border-slate-200 bg-white p-6 shadow-sm">
      <h1 className="text-lg font-semibold">Organization not found</h1>
      <p className="mt-1 text-sm text-slate-600">It may have been deleted, or the link is wrong.</p>
      <Link href="/organizations" className="mt-4 inline-block text-sm text-indigo-700 underline">Back to organizations</Link>
    </div>
  );
}
