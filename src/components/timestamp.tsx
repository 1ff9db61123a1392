/** An ISO timestamp shown as `YYYY-MM-DD HH:MM:SS` (UTC), or just the date. */
export function Timestamp({ iso, dateOnly = false }: { iso: string; dateOnly?: boolean }) {
  return <time dateTime={iso}>{dateOnly ? iso.slice(0, 10) : iso.replace('T', ' ').slice(0, 19)}</time>;
}
