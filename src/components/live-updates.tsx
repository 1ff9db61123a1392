'use client';

import { useEffect, useState, useTransition } from 'react';
import { refreshLiveViewAction } from '@/actions/refresh-live-view';

interface LiveUpdatesProps {
  /** Follow one user (their page); without it, any change to any user (the list). */
  userId?: string;
}

/** Events that land within this long are refreshed together. */
const settleMs = 250;

/**
 * Keeps the page current while it is open: the console's event stream says which user changed, and the page
 * re-renders through its Server Components (a refresh action that expires those users' cached views). Reconnects on
 * its own (EventSource, resuming from the last event). Renders nothing without JavaScript, where pages work as before.
 */
export function LiveUpdates({ userId }: LiveUpdatesProps) {
  // Nothing until the stream opens: without JavaScript, or before it connects, there is no live view to announce.
  const [connection, setConnection] = useState<'live' | 'reconnecting'>();
  const [refreshing, startTransition] = useTransition();

  useEffect(() => {
    const source = new EventSource('/api/console/events');
    const changed = new Set<string>();
    let timer: ReturnType<typeof setTimeout> | undefined;
    const refresh = () => {
      timer = undefined;
      const ids = [...changed];
      changed.clear();
      startTransition(async () => {
        await refreshLiveViewAction(ids);
      });
    };
    source.onopen = () => setConnection('live');
    source.onerror = () => setConnection('reconnecting');
    source.onmessage = (message) => {
      const { subject } = JSON.parse(message.data) as { subject: { type: string; id: string } | null };
      const changedUser = subject?.type === 'user' ? subject.id : undefined;
      if (userId && changedUser !== userId) return;
      if (changedUser) changed.add(changedUser);
      timer ??= setTimeout(refresh, settleMs);
    };
    return () => {
      source.close();
      clearTimeout(timer);
    };
  }, [userId]);

  if (!connection) return null;
  const live = connection === 'live';
  return (
    <span role="status" aria-live="polite" className="inline-flex items-center gap-1.5 text-xs text-slate-500" data-live={connection}>
      <span aria-hidden className={`h-2 w-2 rounded-full ${live ? 'bg-emerald-500' : 'bg-amber-400'} ${refreshing ? 'animate-pulse' : ''}`} />
      {live ? 'Live' : 'Reconnecting…'}
    </span>
  );
}
