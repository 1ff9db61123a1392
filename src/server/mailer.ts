import { processDueMail } from '@/core/mail';
import { baseUrl } from '@/core/links';
import { getDatabase } from '@/db';
import { logger } from '@/lib/logger';
import { mailConfigFromEnv, smtpSender } from '@/mail/smtp';

/**
 * Sends queued email in the background: at start (whatever a crash left pending) and then every `intervalMs`,
 * retrying with backoff. With no ROSTER_SMTP_URL, messages are marked kept and owners read them in the console's
 * Email log: the server log says so for each one (never with its link).
 */
export function startMailer(intervalMs = Number(process.env.ROSTER_MAIL_POLL_MS ?? 1000)): () => void {
  const config = mailConfigFromEnv();
  const sender = config ? smtpSender(config) : null;
  if (!config) {
    logger.warn('ROSTER_SMTP_URL is not set: emails (invitations, password resets, …) are not sent but kept; owners can read them on the console\'s Email page');
  }
  let running = false;
  const pass = async () => {
    if (running) return;
    running = true;
    try {
      const { db } = await getDatabase();
      for (const mail of await processDueMail(db, sender)) {
        if (mail.outcome === 'kept') {
          logger.warn({ kind: mail.kind, to: mail.recipient, at: `${baseUrl()}/email/${mail.id}` }, 'email kept, not sent (no SMTP server configured): an owner can open it in the console');
        } else if (mail.outcome !== 'skipped') {
          logger.info({ kind: mail.kind, to: mail.recipient, outcome: mail.outcome }, 'email');
        }
      }
    } catch (error) {
      logger.error({ err: error }, 'mail pass failed; will retry');
    } finally {
      running = false;
    }
  };
  void pass();
  const timer = setInterval(pass, intervalMs);
  timer.unref();
  return () => clearInterval(timer);
}
