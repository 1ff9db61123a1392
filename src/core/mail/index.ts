export { enqueueMail, processDueMail, listMail, readKeptMail, defaultMailRetryPolicy, type MailSender, type OutgoingMail, type MailDto, type MailOutcome, type MailRetryPolicy } from './outbox';
export { renderMail, type MailKind, type OrganizationInvitationWording } from './templates';
