'use server';

import { refresh } from 'next/cache';
import { cookies } from 'next/headers';
import { actionContext, consoleSession, principalOf } from '@/actions/context';
import { pickFields } from '@/actions/form-data';
import { setMyTheme, themeChoices, type ThemeChoice } from '@/core/users';
import { THEME_COOKIE } from '@/lib/theme';

/**
 * The header's theme switch. Signed in, the choice is stored on the user (the core checks it is their own record);
 * signed out, a cookie remembers it. A plain form post, so it works without JavaScript.
 */
export async function setThemeAction(formData: FormData): Promise<void> {
  const { theme } = pickFields(formData, ['theme']);
  if (!(themeChoices as readonly string[]).includes(theme)) return;
  const session = await consoleSession();
  if (principalOf(session).kind === 'user') {
    const ctx = await actionContext();
    await setMyTheme(ctx, theme);
  }
  const jar = await cookies();
  if (theme === 'system') jar.delete(THEME_COOKIE);
  else jar.set(THEME_COOKIE, theme as ThemeChoice, { httpOnly: true, sameSite: 'lax', path: '/', maxAge: 60 * 60 * 24 * 365 });
  refresh();
}
