export { requestPasswordReset, resetPassword } from './password-reset';
export { sendEmailVerification, confirmEmailVerification } from './email-verification';
export { requestEmailChange, confirmEmailChange } from './email-change';
export { resetTwoFactor } from './two-factor';
export { findAccountToken, LinkUnusable, tokenLifetimeMs } from './tokens';
