import 'server-only';
import { cookies } from 'next/headers';
import { themeChoices, type ThemeChoice } from '@/core/users';

/** Signed out (sign-in, setup, invitations), the theme lives in this cookie; signed in, on the user (users.theme). */
export const THEME_COOKIE = 'roster-theme';

const isChoice = (value: unknown): value is ThemeChoice => (themeChoices as readonly unknown[]).includes(value);

/** The theme to render: the user's stored choice when signed in, else the cookie's, else the system's. */
export async function themeFor(user: { theme?: unknown } | null): Promise<ThemeChoice> {
  if (user) return isChoice(user.theme) ? user.theme : 'system';
  const cookie = (await cookies()).get(THEME_COOKIE)?.value;
  return isChoice(cookie) ? cookie : 'system';
}
