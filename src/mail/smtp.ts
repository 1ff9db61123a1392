import 'server-only';
import nodemailer from 'nodemailer';
import type { MailSender } from '@/core/mail';

/** How long (ms) nodemailer waits to connect, for the server's greeting, and on a silent socket. */
export interface SmtpTimeouts {
  connectionTimeout: number;
  greetingTimeout: number;
  socketTimeout: number;
}

export interface MailConfig {
  smtpUrl: string;
  from: string;
  timeouts: SmtpTimeouts;
}

// nodemailer's own defaults (2 minutes, 30 s, 10 minutes) let one stalled server hold a message for 13 minutes.
const defaultTimeouts: SmtpTimeouts = { connectionTimeout: 10_000, greetingTimeout: 10_000, socketTimeout: 30_000 };

/**
 * ROSTER_SMTP_URL (`smtp://user:pass@host:587`) and ROSTER_MAIL_FROM, or null when no mail server is configured.
 * `smtp://` requires STARTTLS unless the URL says `?requireTLS=false` (a local catcher); `smtps://` is TLS from the
 * first byte. Other nodemailer options ride in the query, e.g. `?tls.rejectUnauthorized=false`, and so do the
 * timeouts (`?greetingTimeout=5000`), which default to 10 s to connect, 10 s for the greeting, 30 s of silence.
 */
export function mailConfigFromEnv(env: Record<string, string | undefined> = process.env): MailConfig | null {
  const smtpUrl = env.ROSTER_SMTP_URL?.trim();
  if (!smtpUrl) return null;
  const url = new URL(smtpUrl);
  if (url.protocol !== 'smtp:' && url.protocol !== 'smtps:') throw new Error('ROSTER_SMTP_URL must start with smtp:// or smtps://');
  if (url.protocol === 'smtp:' && !url.searchParams.has('requireTLS')) url.searchParams.set('requireTLS', 'true');
  const timeout = (name: keyof SmtpTimeouts) => {
    const value = url.searchParams.get(name);
    if (value === null) return defaultTimeouts[name];
    const ms = Number(value);
    if (!Number.isInteger(ms) || ms < 1) throw new Error(`ROSTER_SMTP_URL: ${name} must be a whole number of milliseconds`);
    return ms;
  };
  return {
    smtpUrl: url.toString(),
    from: env.ROSTER_MAIL_FROM?.trim() || `Roster <roster@${url.hostname}>`,
    timeouts: { connectionTimeout: timeout('connectionTimeout'), greetingTimeout: timeout('greetingTimeout'), socketTimeout: timeout('socketTimeout') },
  };
}

/** Sends through the configured SMTP server with nodemailer (one transport per process). */
export function smtpSender(config: MailConfig): MailSender {
  const transport = nodemailer.createTransport({ url: config.smtpUrl, ...config.timeouts }, { from: config.from });
  const { connectionTimeout, greetingTimeout, socketTimeout } = config.timeouts;
  return {
    async send(message) {
      await transport.sendMail({ to: message.to, subject: message.subject, text: message.text, html: message.html });
    },
    // A server that stalls is cut off by these; one that keeps answering, however slowly, is not.
    maxSendMs: connectionTimeout + greetingTimeout + socketTimeout,
  };
}
