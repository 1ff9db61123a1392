export { requestPasswordReset, resetPassword } from './password-reset';
export { sendEmailVerification, confirmEmailVerification } from './email-verification';
export { requestEmailChange, requestEmailChangeInput, confirmEmailChange } from './email-change';
export { hasTwoFactor, resetTwoFactor } from './two-factor';
export { accountLinkProblem, LinkUnusable, tokenLifetimeMs } from './tokens';
export { spendSendLimits, spentSendBudget, type MailRequest, type SendBudget, type SendLimits } from './send-limits';
export { assertSignUpAllowed, parseSignUpPolicy, type SignUpPolicy } from './sign-up-policy';
