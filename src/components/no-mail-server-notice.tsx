import Link from 'next/link';
import { mailConfigFromEnv } from '@/mail/smtp';
import { Alert } from './alert';

/** Says plainly, where mail is caused, that none is sent without ROSTER_SMTP_URL and where the messages are instead. */
export function NoMailServerNotice() {
  if (mailConfigFromEnv()) return null;
  return (
    <Alert tone="info">
      No mail server is configured (<code>ROSTER_SMTP_URL</code>), so Roster sends no email: each message is kept on the{' '}
      <Link href="/email" className="font-medium text-indigo-700 underline">
        Email
      </Link>{' '}
      page, where owners can open it and pass its link on. A link acts for the person it was meant for: give it only to them.
    </Alert>
  );
}
