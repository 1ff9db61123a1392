import 'server-only';
import type { MailRow } from '@/db/schema';

export type MailKind = MailRow['kind'];

export interface RenderedMail {
  subject: string;
  text: string;
  html: string;
}

const product = 'Roster';

/** What each message says: one sentence, the link (when it has one) and how long it works. */
const wording: Record<MailKind, { subject: string; lead: string; action?: string; validity?: string }> = {
  invitation: { subject: `You are invited to ${product}`, lead: `You have been invited to ${product}.`, action: 'Accept the invitation', validity: '7 days' },
  'password-reset': { subject: `Reset your ${product} password`, lead: `Someone asked to reset the password of your ${product} account. If it wasn't you, ignore this email.`, action: 'Choose a new password', validity: '30 minutes' },
  'email-verification': { subject: `Confirm your email for ${product}`, lead: `Confirm that this address belongs to your ${product} account.`, action: 'Confirm my email', validity: '24 hours' },
  'email-change': { subject: `Confirm your new email for ${product}`, lead: `Confirm this address as the new email of your ${product} account.`, action: 'Confirm my new email', validity: '24 hours' },
  'email-changed': { subject: `Your ${product} email was changed`, lead: `The email address of your ${product} account was changed. If you did not do this, contact your administrator.` },
};

const escapeHtml = (value: string) =>
  value.replace(/[&<>"']/g, (char) => ({ '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' })[char]!);

/** What an invitation into an organization says besides the link: where, by whom (a name; null for Roster's tools), as what. */
export interface OrganizationInvitationWording {
  organization: string;
  inviter: string | null;
  role: string;
}

/** The invitation's wording, naming the organization, the inviter and the role when it is into an organization. */
function invitationWording({ organization, inviter, role }: OrganizationInvitationWording) {
  const who = inviter ?? product;
  return {
    ...wording.invitation,
    subject: `${who} invited you to join ${organization} on ${product}`,
    lead: `${who} invited you to join the organization ${organization} on ${product}, as ${/^[aeiou]/.test(role) ? 'an' : 'a'} ${role}.`,
  };
}

/**
 * Plain text and HTML with the product's name and the link, nothing else (no tracking, no images); an invitation into
 * an organization also names it, the inviter and the role.
 */
export function renderMail(kind: MailKind, link?: string, organizationInvitation?: OrganizationInvitationWording): RenderedMail {
  const { subject, lead, action, validity } = kind === 'invitation' && organizationInvitation ? invitationWording(organizationInvitation) : wording[kind];
  if (action && !link) throw new Error(`A ${kind} email needs a link`);
  const expiry = validity ? `The link works once, for ${validity}.` : '';
  const text = [lead, link && `${action}: ${link}`, expiry, `— ${product}`].filter(Boolean).join('\n\n');
  const html = [
    `<p>${escapeHtml(lead)}</p>`,
    link ? `<p><a href="${escapeHtml(link)}">${escapeHtml(action!)}</a></p><p>${escapeHtml(link)}</p>` : '',
    expiry ? `<p>${escapeHtml(expiry)}</p>` : '',
    `<p>— ${product}</p>`,
  ].join('');
  return { subject, text, html: `<!doctype html><html><body>${html}</body></html>` };
}
