const units: [Intl.RelativeTimeFormatUnit, number][] = [
  ['year', 365 * 86_400_000],
  ['month', 30 * 86_400_000],
  ['day', 86_400_000],
  ['hour', 3_600_000],
  ['minute', 60_000],
];
const format = new Intl.RelativeTimeFormat('en', { numeric: 'auto' });

/**
 * "3 days ago", with the full UTC time on hover and in `dateTime`. `now` comes from the server's render, so the
 * server and the browser print the same words (no hydration mismatch).
 */
export function RelativeTime({ iso, now }: { iso: string; now: number }) {
  const elapsed = Date.parse(iso) - now;
  const [unit, size] = units.find(([, ms]) => Math.abs(elapsed) >= ms) ?? ['second', 1000];
  const full = `${iso.replace('T', ' ').slice(0, 19)} UTC`;
  return (
    <time dateTime={iso} title={full}>
      {unit === 'second' ? 'just now' : format.format(Math.round(elapsed / size), unit)}
    </time>
  );
}
