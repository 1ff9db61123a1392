import { NotFoundCard } from '@/components/not-found-card';

export default function UserNotFound() {
  return <NotFoundCard title="User not found" hint="It may have been deleted, or the link is wrong." backHref="/users" backLabel="Back to users" />;
}
