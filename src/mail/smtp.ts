import 'server-only';
import nodemailer from 'nodemailer';
import type { MailSender } from '@/core/mail';

export interface MailConfig {
  smtpUrl: string;
  from: string;
}

/**
 * ROSTER_SMTP_URL (`smtp://user:pass@host:587`) and ROSTER_MAIL_FROM, or null when no mail server is configured.
 * `smtp://` requires STARTTLS unless the URL says `?requireTLS=false` (a local catcher); `smtps://` is TLS from the
 * first byte. Other nodemailer options ride in the query, e.g. `?tls.rejectUnauthorized=false`.
 */
export function mailConfigFromEnv(env: Record<string, string | undefined> = process.env): MailConfig | null {
  const smtpUrl = env.ROSTER_SMTP_URL?.trim();
  if (!smtpUrl) return null;
  const url = new URL(smtpUrl);
  if (url.protocol !== 'smtp:' && url.protocol !== 'smtps:') throw new Error('ROSTER_SMTP_URL must start with smtp:// or smtps://');
  if (url.protocol === 'smtp:' && !url.searchParams.has('requireTLS')) url.searchParams.set('requireTLS', 'true');
  return { smtpUrl: url.toString(), from: env.ROSTER_MAIL_FROM?.trim() || `Roster <roster@${url.hostname}>` };
}

/** Sends through the configured SMTP server with nodemailer (one pooled transport per process). */
export function smtpSender(config: MailConfig): NonNullable<MailSender> {
  const transport = nodemailer.createTransport(config.smtpUrl, { from: config.from });
  return async (message) => {
    await transport.sendMail({ to: message.to, subject: message.subject, text: message.text, html: message.html });
  };
}
