import 'server-only';
import { revalidateTag } from 'next/cache';
import { tagsForOrganizationWrite, tagsForUserWrite, webhooksTag } from '@/lib/tags';

/** Marks the console's cached views of this user stale (route handlers can't use updateTag). */
export function revalidateUserViews(userId: string): void {
  for (const tag of tagsForUserWrite(userId)) revalidateTag(tag, 'max');
}

/** Marks cached views of this organization (and of the users whose membership changed) stale. */
export function revalidateOrganizationViews(organizationId: string, ...userIds: string[]): void {
  for (const tag of [...tagsForOrganizationWrite(organizationId), ...userIds.flatMap(tagsForUserWrite)]) revalidateTag(tag, 'max');
}

/** Marks the console's cached list of webhook events stale. */
export function revalidateWebhookViews(): void {
  revalidateTag(webhooksTag, 'max');
}
