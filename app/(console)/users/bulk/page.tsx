import type { Metadata } from 'next';
import Link from 'next/link';
import { bulkFieldsOf, bulkInputOf, type BulkFilter } from '@/actions/bulk-request';
import { consoleContext } from '@/actions/context';
import { requireConsoleUser } from '@/actions/require-console-user';
import { Alert } from '@/components/alert';
import { bulkActionLabels } from '@/components/bulk-action-labels';
import { DeleteForm } from '@/components/delete-form';
import { PersonLink } from '@/components/person';
import { buttonStyles } from '@/components/styles';
import { DomainError, ValidationFailed } from '@/core/errors';
import { peopleByIds } from '@/core/users';
import { startBulkUsers, type BulkPreview, type BulkUsersInput } from '@/core/users/bulk';
import type { SearchParams } from '@/lib/search-params';
import { startBulkUsersAction } from '../actions';

export const metadata: Metadata = { title: 'Bulk action' };

const users = (n: number) => `${n.toLocaleString('en-US')} user${n === 1 ? '' : 's'}`;

/** What the action does, said of `n` users: "suspend 2 users", "set the role of 2 users to viewer". */
function doing(input: BulkUsersInput, n: number): string {
  if (input.action === 'set-role') return `set the role of ${users(n)} to ${input.role}`;
  if (input.action === 'sign-out') return `sign out ${users(n)} everywhere`;
  if (input.action === 'send-password-reset') return `send ${users(n)} a password-reset email`;
  return `${input.action} ${users(n)}`;
}

/**
 * The bulk action's confirmation step (the list's form GETs here): the core's dry run says how many users it would
 * change and which it would skip, and why; Yes starts the job and follows it on its page. Server-rendered, so it
 * works without JavaScript.
 */
export default async function BulkUsersPage({ searchParams }: { searchParams: Promise<SearchParams> }) {
  const params = await searchParams;
  const query = new URLSearchParams(Object.entries(params).flatMap(([key, value]) => [value ?? []].flat().map((one): [string, string] => [key, one])));
  await requireConsoleUser(`/users/bulk?${query}`);
  const input = bulkInputOf((name) => query.getAll(name));
  const backHref = `/users?${new URLSearchParams(input.filter as BulkFilter | undefined)}`;
  const back = (
    <Link href={backHref} className="text-sm text-indigo-700 underline">
      Back to the users
    </Link>
  );

  let preview: BulkPreview;
  try {
    const ctx = await consoleContext();
    const outcome = await startBulkUsers(ctx, { ...input, dryRun: true });
    if (!('preview' in outcome)) throw new Error('A dry run answers with a preview');
    preview = outcome.preview;
  } catch (error) {
    if (!(error instanceof DomainError)) throw error;
    const problem = error instanceof ValidationFailed ? noSelection(input) ?? error.issues.map((issue) => issue.message).join('; ') : error.message;
    return (
      <div className="max-w-xl space-y-4">
        <Alert tone="error">{problem}</Alert>
        {back}
      </div>
    );
  }
  const people = await peopleByIds(await consoleContext(), preview.skipped.map((skip) => skip.userId));
  const named = `${users(preview.matched)} ${input.filter ? 'matching the filter' : 'selected'}`;
  const title = input.action === 'set-role' ? `${bulkActionLabels['set-role']} to ${input.role}` : bulkActionLabels[input.action];

  return (
    <div className="max-w-2xl space-y-4 rounded-lg border border-slate-200 bg-white p-6 shadow-sm">
      <h1 className="text-xl font-semibold">{title}: confirm</h1>
      <p className="text-sm text-slate-700">
        {preview.willApply > 0 ? `This will ${doing(input, preview.willApply)} of the ${named}.` : `None of the ${named} can be changed.`} It runs in
        the background; you follow it on the job&apos;s page.
      </p>
      {preview.skippedCount > 0 && (
        <section aria-labelledby="skipped-heading" className="space-y-2">
          <h2 id="skipped-heading" className="font-medium">
            Skipped: {users(preview.skippedCount)}
          </h2>
          <ul className="space-y-2 text-sm">
            {preview.skipped.map((skip) => {
              const person = people.get(skip.userId);
              return (
                <li key={skip.userId} className="break-words">
                  {person ? <PersonLink person={person} /> : skip.userId} <span className="text-slate-600">— {skip.detail}</span>
                </li>
              );
            })}
          </ul>
          {preview.skippedCount > preview.skipped.length && <p className="text-sm text-slate-500">and {users(preview.skippedCount - preview.skipped.length)} more.</p>}
        </section>
      )}
      {preview.willApply > 0 ? (
        <DeleteForm
          action={startBulkUsersAction}
          fields={bulkFieldsOf(input)}
          label={`Yes, ${doing(input, preview.willApply)}`}
          cancelHref={backHref}
          tone={input.action === 'delete' ? 'danger' : 'primary'}
          pendingLabel="Starting…"
        />
      ) : (
        <Link href={backHref} className={buttonStyles.secondary}>
          Back to the users
        </Link>
      )}
    </div>
  );
}

/** The list's form posted with no box ticked: say so in the list's words, not the API's. */
function noSelection(input: BulkUsersInput): string | null {
  return !input.filter && (input.ids ?? []).length === 0 ? 'No users selected: tick some rows, or choose all matching the filter.' : null;
}
