/** What a list shows when it has nothing to show: a headline and a hint. */
export function EmptyState({ title, hint }: { title: string; hint: React.ReactNode }) {
  return (
    <div className="rounded-lg border border-dashed border-slate-300 bg-white px-6 py-12 text-center">
      <p className="font-medium">{title}</p>
      <p className="mt-1 text-sm text-slate-500">{hint}</p>
    </div>
  );
}
