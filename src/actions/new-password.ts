import 'server-only';
import { passwordLength } from '@/core/users/schemas';
import { pickFields } from './form-data';

/** The `password` and `confirmPassword` fields of a form that sets a new password, checked as the form shows it. */
export function newPasswordErrors(formData: unknown): { password: string; fieldErrors?: Record<string, string> } {
  const { password = '', confirmPassword: confirm } = pickFields(formData, ['password', 'confirmPassword']);
  const fieldErrors: Record<string, string> = {};
  if (password.length < passwordLength.min) fieldErrors.password = `Use at least ${passwordLength.min} characters`;
  else if (password.length > passwordLength.max) fieldErrors.password = `Use at most ${passwordLength.max} characters`;
  else if (confirm !== password) fieldErrors.confirmPassword = 'The passwords do not match';
  return Object.keys(fieldErrors).length > 0 ? { password, fieldErrors } : { password };
}
