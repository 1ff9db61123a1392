import { buttonStyles } from './styles';

/**
 * A plain link to a console download (app/api/console/…/export): the browser saves the file, with or without
 * JavaScript. Not <Link>: that would fetch the route as a page first.
 */
export function ExportLink({ path, filters = {}, format = 'csv' }: { path: string; filters?: Record<string, string>; format?: 'csv' | 'ndjson' }) {
  const query = new URLSearchParams({ ...filters, format });
  return (
    <a href={`${path}?${query}`} download className={buttonStyles.secondary}>
      Export {format.toUpperCase()}
    </a>
  );
}
