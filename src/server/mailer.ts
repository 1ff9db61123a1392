import { processDueMail } from '@/core/mail';
import { baseUrl } from '@/core/links';
import { getDatabase } from '@/db';
import { logger } from '@/lib/logger';
import { mailConfigFromEnv, smtpSender } from '@/mail/smtp';
import { runPeriodically, type StopJob } from './periodic';

/**
 * Sends queued email in the background: at start (whatever a crash left pending) and then every `intervalMs`,
 * retrying with backoff. With no ROSTER_SMTP_URL, messages are marked kept and owners read them on the console's
 * Email page: the server log says so for each one (never with its link). Stopping lets the send under way finish
 * (or time out) and claims nothing more.
 */
export function startMailer(intervalMs = Number(process.env.ROSTER_MAIL_POLL_MS ?? 1000)): StopJob {
  const config = mailConfigFromEnv();
  const sender = config ? smtpSender(config) : null;
  if (!config) {
    logger.warn(`ROSTER_SMTP_URL is not set: no email is sent. Invitations, password resets and confirmations are kept for owners at ${baseUrl()}/email`);
  }
  const stopping = new AbortController();
  const stop = runPeriodically(
    intervalMs,
    async () => {
      const { db } = await getDatabase();
      for (const mail of await processDueMail(db, sender, { signal: stopping.signal })) {
        if (mail.outcome === 'kept') {
          logger.warn({ kind: mail.kind, to: mail.recipient, at: `${baseUrl()}/email/${mail.id}` }, 'email kept, not sent (no SMTP server configured): an owner can open it in the console');
        } else {
          logger.info({ kind: mail.kind, to: mail.recipient, outcome: mail.outcome }, 'email');
        }
      }
    },
    'mail pass failed; will retry',
  );
  // A pass over many messages to a hung server would take one timeout each: stopping waits for one send at most.
  return () => {
    stopping.abort();
    return stop();
  };
}
