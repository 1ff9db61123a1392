import Link from 'next/link';
import { buttonStyles } from './styles';

/** A console list's filters as a plain GET form: filtering and paging live in the URL and work without JavaScript. */
export function FilterForm({ action, filtered, children }: { action: string; filtered: boolean; children: React.ReactNode }) {
  return (
    <form method="get" action={action} role="search" className="flex flex-wrap items-end gap-3 rounded-lg border border-slate-200 bg-white p-4 shadow-sm">
      {children}
      <button type="submit" className={buttonStyles.secondary}>
        Apply
      </button>
      {filtered && (
        <Link href={action} className="py-2 text-sm text-slate-600 underline hover:text-slate-900">
          Clear
        </Link>
      )}
    </form>
  );
}

/** Forward-only keyset paging: back to the first page, and on with the next cursor (the filters kept, plus `next`). */
export function KeysetPager({
  pathname,
  filters,
  cursor,
  nextCursor,
  next = {},
}: {
  pathname: string;
  filters: Record<string, string>;
  cursor?: string;
  nextCursor: string | null;
  next?: Record<string, string>;
}) {
  if (!cursor && !nextCursor) return null;
  return (
    <nav aria-label="Pagination" className="flex justify-between">
      {cursor ? (
        <Link href={{ pathname, query: filters }} className={buttonStyles.secondary}>
          ← First page
        </Link>
      ) : (
        <span />
      )}
      {nextCursor && (
        <Link href={{ pathname, query: { ...filters, ...next, cursor: nextCursor } }} className={buttonStyles.secondary}>
          Next page →
        </Link>
      )}
    </nav>
  );
}

/**
 * "1–25 of 10,342": where this page sits in the list. `start` is the 1-based position of its first row (carried in
 * the URL by the pager: a keyset page doesn't know its offset); an estimated total reads "about".
 */
export function ListRange({ start, shown, total, exact }: { start: number; shown: number; total: number; exact: boolean }) {
  if (shown === 0) return null;
  const number = (n: number) => n.toLocaleString('en-US');
  return (
    <p className="text-sm text-slate-600" aria-live="polite">
      {number(start)}–{number(start + shown - 1)} of {exact ? '' : 'about '}
      {number(Math.max(total, start + shown - 1))}
    </p>
  );
}
