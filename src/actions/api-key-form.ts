import 'server-only';
import type { ApiKeyFormState } from '@/components/api-key-form';
import type { ApiKeyDto } from '@/core/api-keys';
import type { CoreContext } from '@/core/principal';
import { actionContext } from './context';
import { errorToActionState } from './error-to-state';
import { allTextFields, pickFields } from './form-data';

type KeyInput = { name: string; scopes: string[]; expiresAt?: string };

/**
 * The create step of an API key form (components/api-key-form): name, scopes and an optional expiry go to `create`
 * for the signed-in user. The secret travels back in the result only: never in a URL, a cookie, a log or the
 * database (which keeps its hash). `extra` are the form's other fields, echoed back with the rest on failure.
 */
export async function createKeyFromForm(
  formData: FormData,
  create: (ctx: CoreContext, input: KeyInput) => Promise<{ apiKey: ApiKeyDto; secret: string }>,
  extra: readonly string[] = [],
): Promise<ApiKeyFormState> {
  const values = pickFields(formData, [...extra, 'name', 'expiresAt']);
  const scopes = allTextFields(formData, 'scopes');
  // Echoed back so a failed form keeps its checkboxes ticked.
  const echoed = { ...values, scopes: scopes.join(',') };
  try {
    const { apiKey, secret } = await create(await actionContext(), {
      name: values.name ?? '',
      scopes,
      // A date input's `YYYY-MM-DD`: the key stops working at 00:00 UTC that day.
      ...(values.expiresAt ? { expiresAt: values.expiresAt } : {}),
    });
    return { status: 'success', message: `Created the API key “${apiKey.name}”.`, secret, keyName: apiKey.name };
  } catch (error) {
    return errorToActionState(error, echoed);
  }
}
