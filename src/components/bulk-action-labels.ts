import type { BulkAction } from '@/core/users/bulk';

/** The console's names for the bulk actions (the API's values are the keys). */
export const bulkActionLabels: Record<BulkAction, string> = {
  suspend: 'Suspend',
  unsuspend: 'Unsuspend',
  'set-role': 'Set role',
  delete: 'Delete',
  'sign-out': 'Sign out everywhere',
  'send-password-reset': 'Send password reset',
};
