import type { MailRequest } from '@/core/accounts';

/** A request from no known IP whose every send budget has room: for setting things up, not for testing the limits. */
export const unlimitedMail: MailRequest = { ip: null, sendLimits: { spend: async () => null } };
