/** Shared class names, so links that look like buttons and real buttons stay identical. */
const base =
  'inline-flex items-center justify-center gap-2 rounded-md px-3.5 py-2 text-sm font-medium shadow-sm transition disabled:cursor-not-allowed disabled:opacity-60';

export const buttonStyles = {
  primary: `${base} bg-indigo-600 text-white hover:bg-indigo-500`,
  secondary: `${base} border border-slate-300 bg-white text-slate-700 hover:bg-slate-50`,
  danger: `${base} bg-red-600 text-white hover:bg-red-500`,
} as const;

export const inputStyles =
  'block w-full rounded-md border border-slate-300 bg-white px-3 py-2 text-sm shadow-sm placeholder:text-slate-400 focus:border-indigo-500 aria-[invalid=true]:border-red-500';

/** A form's card on a console page. */
export const cardStyles = 'max-w-xl space-y-3 rounded-lg border border-slate-200 bg-white p-6 shadow-sm';
