import { NotFoundCard } from '@/components/not-found-card';

export default function OrganizationNotFound() {
  return <NotFoundCard title="Organization not found" hint="It may have been deleted, or the link is wrong." backHref="/organizations" backLabel="Back to organizations" />;
}
