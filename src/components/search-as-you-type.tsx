'use client';
import { useRouter } from 'next/navigation';
import { useEffect } from 'react';

const DEBOUNCE_MS = 300;

/**
 * With JavaScript, a list's search field searches as you type (debounced) and `/` focuses it; the filter form's
 * Apply button does the same without JavaScript. The form's fields become the URL, as a GET submit would.
 */
export function SearchAsYouType({ inputId }: { inputId: string }) {
  const router = useRouter();
  useEffect(() => {
    const input = document.getElementById(inputId);
    if (!(input instanceof HTMLInputElement) || !input.form) return;
    const form = input.form;
    let timer: ReturnType<typeof setTimeout> | undefined;
    const search = () => {
      clearTimeout(timer);
      timer = setTimeout(() => {
        const query = new URLSearchParams();
        for (const [name, value] of new FormData(form)) if (typeof value === 'string' && value) query.set(name, value);
        router.replace(`${form.getAttribute('action') ?? ''}?${query}`, { scroll: false });
      }, DEBOUNCE_MS);
    };
    const focusOnSlash = (event: KeyboardEvent) => {
      const target = event.target as HTMLElement | null;
      const typing = target && (target.isContentEditable || ['INPUT', 'TEXTAREA', 'SELECT'].includes(target.tagName));
      if (event.key !== '/' || typing || event.metaKey || event.ctrlKey || event.altKey) return;
      event.preventDefault();
      input.focus();
    };
    input.addEventListener('input', search);
    document.addEventListener('keydown', focusOnSlash);
    return () => {
      clearTimeout(timer);
      input.removeEventListener('input', search);
      document.removeEventListener('keydown', focusOnSlash);
    };
  }, [inputId, router]);
  return null;
}
