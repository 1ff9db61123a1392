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

/** Forward-only keyset paging: back to the first page, and on with the next cursor (the filters kept). */
export function KeysetPager({ pathname, filters, cursor, nextCursor }: { pathname: string; filters: Record<string, string>; cursor?: string; nextCursor: string | null }) {
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
        <Link href={{ pathname, query: { ...filters, cursor: nextCursor } }} className={buttonStyles.secondary}>
          Next page →
        </Link>
      )}
    </nav>
  );
}
