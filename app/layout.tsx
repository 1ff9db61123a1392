import type { Metadata } from 'next';
import Link from 'next/link';
import { unstable_rethrow } from 'next/navigation';
import { connection } from 'next/server';
import { consolePrincipal, consoleSession } from '@/actions/context';
import { signOutAction } from '@/actions/sign-out';
import { ImpersonationBanner } from '@/components/impersonation-banner';
import { setThemeAction } from '@/actions/theme';
import { themeChoices, type ThemeChoice } from '@/core/users';
import { themeFor } from '@/lib/theme';
import { holds } from '@/core/authorization';
import { isDatabaseUnavailable } from '@/core/db-errors';
import type { Principal } from '@/core/principal';
import { logger } from '@/lib/logger';
import './globals.css';

export const metadata: Metadata = {
  title: { default: 'Roster', template: '%s · Roster' },
  description: 'User management console',
};

const navLink = 'text-sm font-medium text-slate-700 hover:text-slate-900';

/** Who the header shows: the session's email, whether the console's links apply (staff, not members), and the audit link. */
async function signedInUser(): Promise<{ email: string; console: boolean; audit: boolean; theme: unknown; principal: Principal } | null> {
  try {
    const [session, principal] = await Promise.all([consoleSession(), consolePrincipal()]);
    return session
      ? { email: session.user.email, console: holds(principal, 'users:read'), audit: holds(principal, 'events:read'), theme: (session.user as { theme?: unknown }).theme, principal }
      : null;
  } catch (error) {
    // Next's own signals are not failures (e.g. "Dynamic server usage" while `next build` tries to prerender): Next
    // handles them, and logging them printed a stack trace per page at every build.
    unstable_rethrow(error);
    // The header must not take the page down (e.g. the database is unavailable): the page shows its own error. That
    // one is expected and needs no stack trace; anything else keeps its own.
    if (isDatabaseUnavailable(error)) logger.warn('could not read the session for the header: the database is unavailable');
    else logger.warn({ err: error }, 'could not read the session for the header');
    return null;
  }
}

export default async function RootLayout({ children }: { children: React.ReactNode }) {
  // Every page is rendered per request, never prerendered: its scripts must carry the nonce of this response's
  // Content-Security-Policy (proxy.ts), which a page built ahead of time could not know.
  await connection();
  const user = await signedInUser();
  const theme = await themeFor(user);
  return (
    // The theme's class is rendered here, on the server, so the first paint already has the chosen colours.
    <html lang="en" className={theme === 'system' ? undefined : theme}>
      <body className="min-h-screen bg-slate-50 font-sans text-slate-900 antialiased">
        <a href="#main" className="sr-only focus:not-sr-only focus:absolute focus:left-4 focus:top-4 focus:z-10 focus:rounded focus:bg-white focus:px-3 focus:py-2">
          Skip to content
        </a>
        <header className="border-b border-slate-200 bg-white">
          <nav aria-label="Main" className="mx-auto flex min-h-14 max-w-6xl flex-wrap items-center gap-x-6 gap-y-2 px-4 py-2 sm:px-6">
            <Link href="/dashboard" className="text-lg font-semibold tracking-tight text-slate-900">
              Roster
            </Link>
            {user?.console && (
              // Below md the links fold into a menu: <details> opens and closes without JavaScript.
              <details className="group order-last w-full md:order-none md:w-auto md:flex-1 [&[open]>summary]:mb-2">
                <summary className="cursor-pointer list-none text-sm font-medium text-slate-700 md:hidden">
                  <span aria-hidden="true">☰ </span>Menu
                </summary>
                <div className="flex flex-col gap-2 md:hidden">
                  <NavLinks audit={user.audit} />
                </div>
              </details>
            )}
            {user?.console && (
              <div className="hidden flex-1 items-center gap-6 md:flex">
                <NavLinks audit={user.audit} />
              </div>
            )}
            <div className="ml-auto flex flex-wrap items-center gap-x-4 gap-y-1">
              <ThemeSwitch current={theme} />
              {user && (
                <>
                  <span className="max-w-48 truncate text-sm text-slate-600">{user.email}</span>
                  {/* A plain form post: signs out without JavaScript too. */}
                  <form action={signOutAction}>
                    <button type="submit" className={navLink}>
                      Sign out
                    </button>
                  </form>
                </>
              )}
            </div>
          </nav>
        </header>
        {user && <ImpersonationBanner principal={user.principal} />}
        <main id="main" className="mx-auto max-w-6xl px-4 py-8 sm:px-6">
          {children}
        </main>
      </body>
    </html>
  );
}

const navItems = [
  ['/dashboard', 'Overview'],
  ['/users', 'Users'],
  ['/organizations', 'Organizations'],
  ['/invitations', 'Invitations'],
  // Incoming Stripe events; outgoing webhooks live under Integrations.
  ['/webhooks', 'Billing events'],
  ['/integrations', 'Integrations'],
  ['/audit', 'Audit'],
  ['/email', 'Email'],
  ['/api-keys', 'API keys'],
  ['/account', 'Account'],
] as const;

function NavLinks({ audit }: { audit: boolean }) {
  return (
    <>
      {navItems
        .filter(([href]) => audit || href !== '/audit')
        .map(([href, label]) => (
          <Link key={href} href={href} className={navLink}>
            {label}
          </Link>
        ))}
      {/* A Route Handler's HTML, not an app route: a plain link, since <Link> would fetch it as RSC first. */}
      {/* eslint-disable-next-line @next/next/no-html-link-for-pages -- the rule takes app/api/[...path] for a page */}
      <a href="/api/docs" className={navLink}>
        API docs
      </a>
    </>
  );
}

/** System / Light / Dark as a plain form post: remembered on the user when signed in, in a cookie when not. */
function ThemeSwitch({ current }: { current: ThemeChoice }) {
  return (
    <form action={setThemeAction} className="flex items-center gap-1 text-sm" aria-label="Theme">
      <span className="sr-only">Theme:</span>
      {themeChoices.map((choice) => (
        <button
          key={choice}
          type="submit"
          name="theme"
          value={choice}
          aria-pressed={choice === current}
          className="rounded px-1.5 py-0.5 font-medium capitalize text-slate-600 hover:text-slate-900 aria-pressed:bg-slate-200 aria-pressed:text-slate-900"
        >
          {choice}
        </button>
      ))}
    </form>
  );
}
