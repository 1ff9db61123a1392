/** Builds the FormData a browser would post for a form. */
export function formData(fields: Record<string, string | number | readonly string[]>): FormData {
  const data = new FormData();
  // A list is a field posted several times (checkboxes).
  for (const [name, value] of Object.entries(fields)) for (const item of typeof value === 'object' ? value : [value]) data.append(name, String(item));
  return data;
}

/** The URL of a Next.js `redirect()` thrown by an action, or undefined for any other error. */
export function redirectUrlOf(error: unknown): string | undefined {
  const digest = (error as { digest?: unknown } | null)?.digest;
  return typeof digest === 'string' && digest.startsWith('NEXT_REDIRECT;') ? digest.split(';')[2] : undefined;
}

/** Runs an action that should end in `redirect()` and returns the URL it redirected to. */
export async function redirectTarget(run: () => Promise<unknown>): Promise<string> {
  try {
    await run();
  } catch (error) {
    const url = redirectUrlOf(error);
    if (url) return url;
    throw error;
  }
  throw new Error('expected the action to redirect, but it returned');
}
