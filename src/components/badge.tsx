const tones: Record<string, string> = {
  owner: 'bg-purple-100 text-purple-800',
  admin: 'bg-indigo-100 text-indigo-800',
  viewer: 'bg-sky-100 text-sky-800',
  member: 'bg-slate-100 text-slate-700',
  active: 'bg-emerald-100 text-emerald-800',
  suspended: 'bg-amber-100 text-amber-800',
};

export function Badge({ value }: { value: string }) {
  return (
    <span className={`inline-flex rounded-full px-2 py-0.5 text-xs font-medium ${tones[value] ?? tones.member}`}>
      {value}
    </span>
  );
}
