'use client';

import { useHydrated } from './use-hydrated';

/**
 * The header of a list's checkbox column: with JavaScript, a checkbox that ticks (or clears) every row's `ids` box in
 * its form; without, only the column's name (each row is ticked by hand, or "all matching the filter" is chosen).
 */
export function SelectAllOnPage() {
  const hydrated = useHydrated();
  if (!hydrated) return <span className="sr-only">Select</span>;
  return (
    <input
      type="checkbox"
      aria-label="Select all on this page"
      className="size-4"
      onChange={(event) => {
        const { checked, form } = event.currentTarget;
        form?.querySelectorAll<HTMLInputElement>('input[type="checkbox"][name="ids"]').forEach((box) => (box.checked = checked));
      }}
    />
  );
}
