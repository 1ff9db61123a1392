import { buttonStyles } from './styles';

/**
 * A plain link to a console download (app/api/console/…/export): the browser saves the file, with or without
 * JavaScript. Not <Link>: that would fetch the route as a page first.
 */
export function ExportLink({ path, filters }: { path: string; filters: Record<string, string> }) {
  const query = new URLSearchParams({ ...filters, format: 'csv' });
  return (
    <a href={`${path}?${query}`} download className={buttonStyles.secondary}>
      Export CSV
    </a>
  );
}
