// A child process of `npm run bench` holding the fan-out scenario's SSE subscribers, so that parsing their
// messages never delays the parent's writes and their timestamps. It opens one EventSource per credential slot,
// reports 'ready' once all are open, records when each event (by the name the parent wrote) reached each
// subscriber, answers 'progress' with how many subscribers have `expected` events, and 'report' with everything. Timestamps are wall-clock milliseconds with sub-ms precision
// (performance.timeOrigin + now), comparable with the parent's on the same machine.
import { EventSource } from 'eventsource';

interface Start {
  url: string;
  /** One bearer credential per subscriber (a credential may hold several streams). */
  authorizations: string[];
  /** Only events renaming users to a name with this prefix are timed. */
  namePrefix: string;
}

const now = () => performance.timeOrigin + performance.now();

process.once('message', (start: Start) => {
  const received = start.authorizations.map(() => new Map<string, number>());
  const errors: string[] = [];
  let open = 0;
  const sources = start.authorizations.map((authorization, index) => {
    const source = new EventSource(start.url, {
      fetch: (input, init) => fetch(input, { ...init, headers: { ...init?.headers, authorization } }),
    });
    source.onopen = () => {
      open += 1;
      if (open === sources.length) process.send!({ type: 'ready' });
    };
    source.onerror = (event) => errors.push(`subscriber ${index}: ${event.message ?? 'stream error'}`);
    // The renames it times are user.updated events, named so on the stream.
    source.addEventListener('user.updated', (message) => {
      const at = now();
      const name = (JSON.parse(message.data) as { data?: { user?: { name?: string } } }).data?.user?.name;
      if (!name?.startsWith(start.namePrefix)) return;
      if (received[index]!.has(name)) errors.push(`subscriber ${index} received ${name} twice`);
      received[index]!.set(name, at);
    });
    return source;
  });
  process.on('message', (message: { type: 'progress'; expected: number } | { type: 'report' }) => {
    if (message.type === 'progress') {
      process.send!({ type: 'progress', complete: received.filter((got) => got.size >= message.expected).length });
    } else {
      sources.forEach((source) => source.close());
      process.send!({ type: 'report', received: received.map((got) => Object.fromEntries(got)), errors: errors.slice(0, 20), errorCount: errors.length });
    }
  });
});
