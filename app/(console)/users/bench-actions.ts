'use server';

// Benchmark-only: exists for `npm run bench` (bench/), whose revalidation-cost scenario compares the console's
// real updateUserAction with the same update minus its updateTag calls (and so minus the page re-render Next
// sends back after a revalidating action). It does exactly what updateUserAction does otherwise: the same
// helpers, the same console context, the same core updateUser.
//
// Like every Server Action it is a public POST endpoint in every production build, so it refuses to run unless
// the server was started with ROSTER_BENCH_ACTIONS=1, which only the benchmark harness sets. It is imported by
// app/(console)/users/[id]/page.tsx so that it runs on the user's page, like the action it is compared with.
import type { ActionState } from '@/actions/action-state';
import { actionContext } from '@/actions/context';
import { errorToActionState } from '@/actions/error-to-state';
import { pickFields, userFormFields, versionField } from '@/actions/form-data';
import { updateUser } from '@/core/users';

export async function benchUpdateUserWithoutRevalidationAction(_previous: ActionState, formData: FormData): Promise<ActionState> {
  if (process.env.ROSTER_BENCH_ACTIONS !== '1') {
    return { status: 'error', message: 'This benchmark action is disabled (start the server with ROSTER_BENCH_ACTIONS=1).' };
  }
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
