'use client';

import { useRouter } from 'next/navigation';
import { useEffect, useState, useTransition } from 'react';
import { refreshLiveViewAction, refreshOrganizationViewAction } from '@/actions/refresh-live-view';

export interface LiveUpdatesProps {
  /** What the page shows: users (the default), organizations, or a job's progress. */
  follows?: 'user' | 'organization' | 'job';
  /** Follow one of them (its page); without it, any change to any of them (the list). */
  id?: string;
}

/** What the console's stream says of each event (app/api/console/events/route.ts). */
interface ConsoleEvent {
  subject: { type: string; id: string } | null;
  organizationId?: string | null;
}

/** The id an event changed, by what the page follows: a member.* event's subject is the user, and it names the organization. */
const changedOf = {
  user: ({ subject }: ConsoleEvent) => (subject?.type === 'user' ? subject.id : undefined),
  organization: ({ organizationId }: ConsoleEvent) => organizationId ?? undefined,
  job: ({ subject }: ConsoleEvent) => (subject?.type === 'job' ? subject.id : undefined),
};
/** Cached views (users, organizations) are expired by an action; a job's page reads fresh, so re-rendering is enough. */
const expireOf = { user: refreshLiveViewAction, organization: refreshOrganizationViewAction, job: undefined };

/** Events that land within this long are refreshed together. */
const settleMs = 250;

/**
 * Keeps the page current while it is open: the console's event stream says which user, organization or job changed, and
 * the page re-renders through its Server Components (a refresh action that expires their cached views). Each event
 * comes as its type (`event: user.updated`), so it listens to every type there is (`types`, from the server). Reconnects
 * on its own (EventSource, resuming from the last event). Renders nothing without JavaScript, where pages work as before.
 */
export function LiveUpdatesClient({ follows = 'user', id, types }: LiveUpdatesProps & { types: readonly string[] }) {
  // Nothing until the stream opens: without JavaScript, or before it connects, there is no live view to announce.
  const [connection, setConnection] = useState<'live' | 'reconnecting'>();
  const [refreshing, startTransition] = useTransition();
  const router = useRouter();

  useEffect(() => {
    const source = new EventSource('/api/console/events');
    const changed = new Set<string>();
    let timer: ReturnType<typeof setTimeout> | undefined;
    const refresh = () => {
      timer = undefined;
      const ids = [...changed];
      changed.clear();
      const expire = expireOf[follows];
      startTransition(async () => {
        if (expire) await expire(ids);
        else router.refresh();
      });
    };
    source.onopen = () => {
      setConnection('live');
      // A job moves on its own: what it did between the page's render and the stream's opening is caught up at once.
      if (follows === 'job') timer ??= setTimeout(refresh, settleMs);
    };
    source.onerror = () => setConnection('reconnecting');
    const onEvent = (message: MessageEvent<string>) => {
      const event = JSON.parse(message.data) as ConsoleEvent;
      const changedId = changedOf[follows](event);
      // A page follows its one subject; a list, any of its kind (and a users list the events that name no subject,
      // such as users.seeded, but not an organization's own events).
      const relevant = id ? changedId === id : changedId !== undefined || (follows === 'user' && !event.subject && !event.organizationId);
      if (!relevant) return;
      if (changedId) changed.add(changedId);
      timer ??= setTimeout(refresh, settleMs);
    };
    for (const type of types) source.addEventListener(type, onEvent);
    return () => {
      source.close();
      clearTimeout(timer);
    };
  }, [follows, id, types, router]);

  if (!connection) return null;
  const live = connection === 'live';
  return (
    <span role="status" aria-live="polite" className="inline-flex items-center gap-1.5 text-xs text-slate-500" data-live={connection}>
      <span aria-hidden className={`h-2 w-2 rounded-full ${live ? 'bg-emerald-500' : 'bg-amber-400'} ${refreshing ? 'animate-pulse' : ''}`} />
      {live ? 'Live' : 'Reconnecting…'}
    </span>
  );
}
