import type { Metadata } from 'next';
import Link from 'next/link';
import './globals.css';

export const metadata: Metadata = {
  title: { default: 'Roster', template: '%s · Roster' },
  description: 'User management console',
};

export default function RootLayout({ children }: { children: React.ReactNode }) {
  return (
    <html lang="en">
      <body className="min-h-screen bg-slate-50 font-sans text-slate-900 antialiased">
        <a href="#main" className="sr-only focus:not-sr-only focus:absolute focus:left-4 focus:top-4 focus:z-10 focus:rounded focus:bg-white focus:px-3 focus:py-2">
          Skip to content
        </a>
        <header className="border-b border-slate-200 bg-white">
          <nav aria-label="Main" className="mx-auto flex h-14 max-w-6xl items-center gap-6 px-6">
            <Link href="/users" className="text-lg font-semibold tracking-tight text-slate-900">
              Roster
            </Link>
            <Link href="/users" className="text-sm font-medium text-slate-600 hover:text-slate-900">
              Users
            </Link>
            <Link href="/webhooks" className="text-sm font-medium text-slate-600 hover:text-slate-900">
              Webhooks
            </Link>
          </nav>
        </header>
        <main id="main" className="mx-auto max-w-6xl px-6 py-8">
          {children}
        </main>
      </body>
    </html>
  );
}
