'use client';

import { useId, useRef, useState } from 'react';
import { buttonStyles, inputStyles } from './styles';
import { useHydrated } from './use-hydrated';

interface NewSecretProps {
  /** What was just created or rotated. */
  title: string;
  secret: string;
  /** How Roster keeps it, for the warning: "a hash of it", "it encrypted". */
  storedAs: string;
  /** How to use it. */
  children: React.ReactNode;
}

/** A secret, once: read-only and selectable without JavaScript, with a Copy button when JavaScript runs. */
export function NewSecret({ title, secret, storedAs, children }: NewSecretProps) {
  const id = useId();
  const hydrated = useHydrated();
  const input = useRef<HTMLInputElement>(null);
  const [copied, setCopied] = useState(false);

  const copy = async () => {
    input.current?.select();
    try {
      await navigator.clipboard.writeText(secret);
      setCopied(true);
    } catch {
      // No clipboard access (e.g. an insecure origin): the text stays selected for Ctrl+C.
    }
  };

  return (
    <div role="status" className="max-w-xl space-y-3 rounded-lg border border-emerald-200 bg-emerald-50 p-6 text-sm text-emerald-900 shadow-sm">
      <p className="font-medium">{title}</p>
      <p className="font-medium text-amber-800">Copy this secret now: it won&apos;t be shown again. Roster stores only {storedAs}.</p>
      <label htmlFor={id} className="block font-medium">
        Secret
      </label>
      <div className="flex gap-2">
        <input
          ref={input}
          id={id}
          readOnly
          value={secret}
          onFocus={(event) => event.currentTarget.select()}
          spellCheck={false}
          autoComplete="off"
          className={`${inputStyles} font-mono`}
        />
        {hydrated && (
          <button type="button" onClick={copy} className={buttonStyles.secondary}>
            {copied ? 'Copied' : 'Copy'}
          </button>
        )}
      </div>
      <p className="text-emerald-800">{children}</p>
    </div>
  );
}
