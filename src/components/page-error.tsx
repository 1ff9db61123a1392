'use client';

import { buttonStyles } from './styles';

/** A console route's error boundary body (e.g. the database is down). The digest matches the server log. */
export function PageError({ title, error, reset }: { title: string; error: Error & { digest?: string }; reset: () => void }) {
  return (
    <div role="alert" className="rounded-lg border border-red-200 bg-white p-6 shadow-sm">
      <h1 className="text-lg font-semibold text-red-700">{title}</h1>
      <p className="mt-2 text-sm text-slate-600">
        The service may be temporarily unavailable. {error.digest && <>Reference: <code>{error.digest}</code>.</>}
      </p>
      <button type="button" onClick={reset} className={`${buttonStyles.secondary} mt-4`}>
        Try again
      </button>
    </div>
  );
}
