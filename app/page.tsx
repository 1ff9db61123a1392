import { redirect } from 'next/navigation';
import { defaultConsolePath } from '@/lib/next-path';

export default function Home() {
  redirect(defaultConsolePath);
}
