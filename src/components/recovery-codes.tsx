'use client';

import { useState } from 'react';
import { Alert } from './alert';
import { buttonStyles } from './styles';
import { useHydrated } from './use-hydrated';

/**
 * Two-factor recovery codes, shown once: a download as a .txt file (a data: link, so it works without JavaScript) and,
 * with JavaScript, a Copy button.
 */
export function RecoveryCodes({ codes }: { codes: string[] }) {
  const hydrated = useHydrated();
  const [copied, setCopied] = useState(false);
  const text = `Roster recovery codes: each signs you in once.\n\n${codes.join('\n')}\n`;

  const copy = async () => {
    try {
      await navigator.clipboard.writeText(codes.join('\n'));
      setCopied(true);
    } catch {
      // No clipboard access (e.g. an insecure origin): the codes stay on the page, and the download works.
    }
  };

  return (
    <div className="space-y-2">
      <Alert tone="info">Save these recovery codes somewhere safe. Each one signs you in once if you lose your phone. They are shown only now.</Alert>
      <ol aria-label="Recovery codes" className="grid grid-cols-2 gap-1 font-mono text-sm">
        {codes.map((code) => (
          <li key={code}>{code}</li>
        ))}
      </ol>
      <div className="flex gap-2">
        <a href={`data:text/plain;charset=utf-8,${encodeURIComponent(text)}`} download="roster-recovery-codes.txt" className={buttonStyles.secondary}>
          Download (.txt)
        </a>
        {hydrated && (
          <button type="button" onClick={copy} className={buttonStyles.secondary}>
            {copied ? 'Copied' : 'Copy'}
          </button>
        )}
      </div>
    </div>
  );
}
