'use server';

// Benchmark-only Server Actions: part of the bench build alone (ROSTER_BENCH_BUILD=1, see next.config.ts), which
// serves them from app/bench/page.bench.tsx. A normal production build doesn't contain this file.
import type { ActionState } from '@/actions/action-state';
import { actionContext } from '@/actions/context';
import { errorToActionState } from '@/actions/error-to-state';
import { pickFields, userFormFields, versionField } from '@/actions/form-data';
import { updateUser } from '@/core/users';

const done: ActionState = { status: 'success', message: 'Nothing done.' };

/** The framework floor of a Server Action: Next decodes the call, runs this, encodes the result. Nothing else. */
export async function benchNoopAction(): Promise<ActionState> {
  return done;
}

/**
 * updateUserAction (app/(console)/users/actions.ts) minus its updateTag calls, so Next renders no page back:
 * the same helpers, the same console context, the same core updateUser.
 */
export async function benchUpdateUserWithoutRevalidationAction(_previous: ActionState, formData: FormData): Promise<ActionState> {
  const values = pickFields(formData, [...userFormFields, 'id', 'version']);
  try {
    await updateUser(await actionContext(), values.id ?? '', pickFields(formData, userFormFields), {
      expectedVersion: versionField(formData),
    });
  } catch (error) {
    return errorToActionState(error, values);
  }
  return { status: 'success', message: 'Changes saved.' };
}
