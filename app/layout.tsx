import type { Metadata } from 'next';
import Link from 'next/link';
import { connection } from 'next/server';
import { consolePrincipal, consoleSession } from '@/actions/context';
import { signOutAction } from '@/actions/sign-out';
import { holds } from '@/core/authorization';
import { logger } from '@/lib/logger';
import './globals.css';

export const metadata: Metadata = {
  title: { default: 'Roster', template: '%s · Roster' },
  description: 'User management console',
};

const navLink = 'text-sm font-medium text-slate-600 hover:text-slate-900';

/** Who the header shows: the session's email, whether the console's links apply (staff, not members), and the audit link. */
async function signedInUser(): Promise<{ email: string; console: boolean; audit: boolean } | null> {
  try {
    const [session, principal] = await Promise.all([consoleSession(), consolePrincipal()]);
    return session ? { email: session.user.email, console: holds(principal, 'users:read'), audit: holds(principal, 'events:read') } : null;
  } catch (error) {
    // The header must not take the page down (e.g. the database is unavailable): the page shows its own error.
    logger.warn({ err: error }, 'could not read the session for the header');
    return null;
  }
}

export default async function RootLayout({ children }: { children: React.ReactNode }) {
  // Every page is rendered per request, never prerendered: its scripts must carry the nonce of this response's
  // Content-Security-Policy (proxy.ts), which a page built ahead of time could not know.
  await connection();
  const user = await signedInUser();
  return (
    <html lang="en">
      <body className="min-h-screen bg-slate-50 font-sans text-slate-900 antialiased">
        <a href="#main" className="sr-only focus:not-sr-only focus:absolute focus:left-4 focus:top-4 focus:z-10 focus:rounded focus:bg-white focus:px-3 focus:py-2">
          Skip to content
        </a>
        <header className="border-b border-slate-200 bg-white">
          <nav aria-label="Main" className="mx-auto flex h-14 max-w-6xl items-center gap-6 px-6">
            <Link href="/dashboard" className="text-lg font-semibold tracking-tight text-slate-900">
              Roster
            </Link>
            {user?.console && (
              <>
                <Link href="/dashboard" className={navLink}>
                  Overview
                </Link>
                <Link href="/users" className={navLink}>
                  Users
                </Link>
                <Link href="/organizations" className={navLink}>
                  Organizations
                </Link>
                <Link href="/invitations" className={navLink}>
                  Invitations
                </Link>
                <Link href="/webhooks" className={navLink}>
                  Webhooks
                </Link>
                <Link href="/integrations" className={navLink}>
                  Integrations
                </Link>
                {user.audit && (
                  <Link href="/audit" className={navLink}>
                    Audit
                  </Link>
                )}
                <Link href="/email" className={navLink}>
                  Email
                </Link>
                <Link href="/api-keys" className={navLink}>
                  API keys
                </Link>
                <Link href="/account" className={navLink}>
                  Account
                </Link>
                {/* A Route Handler's HTML, not an app route: a plain link, since <Link> would fetch it as RSC first. */}
                {/* eslint-disable-next-line @next/next/no-html-link-for-pages -- the rule takes app/api/[...path] for a page */}
                <a href="/api/docs" className={navLink}>
                  API docs
                </a>
              </>
            )}
            {user && (
              <div className="ml-auto flex items-center gap-4">
                <span className="text-sm text-slate-500">{user.email}</span>
                {/* A plain form post: signs out without JavaScript too. */}
                <form action={signOutAction}>
                  <button type="submit" className={navLink}>
                    Sign out
                  </button>
                </form>
              </div>
            )}
          </nav>
        </header>
        <main id="main" className="mx-auto max-w-6xl px-6 py-8">
          {children}
        </main>
      </body>
    </html>
  );
}
