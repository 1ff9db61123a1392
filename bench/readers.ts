// Reading back through a server what a benchmarked request did: the user as stored, or its absence.
// Not measured. The Next server is read through its REST API, the raw floor through its own routes; both with
// the bench's API key (bench/auth.ts).
import { credentials } from './auth';

export interface StoredUser {
  id: string;
  email: string;
  name: string;
  version: number;
}

export interface Reader {
  /** undefined when the user does not exist (404). */
  user(id: string): Promise<StoredUser | undefined>;
  userByEmail(email: string): Promise<StoredUser | undefined>;
  /** Ids on the first page of the console list (25 newest). */
  firstPageIds(): Promise<string[]>;
}

async function getJson(url: string): Promise<{ status: number; body: unknown }> {
  const response = await fetch(url, { headers: credentials.api, signal: AbortSignal.timeout(10_000) });
  const text = await response.text();
  return { status: response.status, body: text ? JSON.parse(text) : undefined };
}

export function reader(origin: string, usersPath: '/api/v1/users' | '/users'): Reader {
  return {
    async user(id) {
      const { status, body } = await getJson(`${origin}${usersPath}/${id}`);
      if (status === 404) return undefined;
      if (status !== 200) throw new Error(`read-back of user ${id} answered ${status}`);
      return body as StoredUser;
    },
    async userByEmail(email) {
      const { status, body } = await getJson(`${origin}${usersPath}?search=${encodeURIComponent(email)}&limit=5`);
      if (status !== 200) throw new Error(`read-back search for ${email} answered ${status}`);
      return (body as { items: StoredUser[] }).items.find((user) => user.email === email);
    },
    async firstPageIds() {
      const { status, body } = await getJson(`${origin}${usersPath}?limit=25`);
      if (status !== 200) throw new Error(`read-back of the first page answered ${status}`);
      return (body as { items: StoredUser[] }).items.map((user) => user.id);
    },
  };
}
