import type { Auth } from '@/auth/auth';
import { fromClient } from './client-ip';

// Better Auth's endpoints called over HTTP (auth.handler), the way a browser or an app calls them, with a cookie
// jar per simulated client.

export const BASE = 'http://localhost:3000';

export class Client {
  private readonly cookies = new Map<string, string>();
  constructor(
    private readonly auth: Auth,
    readonly ip = `198.51.100.${Math.floor(Math.random() * 200) + 1}`,
  ) {}

  get cookie(): string {
    return [...this.cookies].map(([name, value]) => `${name}=${value}`).join('; ');
  }

  has(name: string): boolean {
    return this.cookies.has(name);
  }

  async post(path: string, body: unknown): Promise<Response> {
    const response = await this.auth.handler(
      new Request(`${BASE}/api/auth${path}`, {
        method: 'POST',
        body: JSON.stringify(body),
        headers: { 'content-type': 'application/json', origin: BASE, ...fromClient(this.ip), ...(this.cookies.size ? { cookie: this.cookie } : {}) },
      }),
    );
    for (const line of response.headers.getSetCookie()) {
      const [pair = '', ...attributes] = line.split(';');
      const at = pair.indexOf('=');
      const name = pair.slice(0, at).trim();
      const value = pair.slice(at + 1);
      const expired = value === '' || attributes.some((attribute) => /^\s*max-age=0\s*$/i.test(attribute));
      if (expired) this.cookies.delete(name);
      else this.cookies.set(name, value);
    }
    return response;
  }
}
