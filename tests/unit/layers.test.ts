import { ESLint } from 'eslint';
import { describe, expect, it } from 'vitest';

// The layer rules in eslint.config.mjs, tried on code that breaks them and code that doesn't: `npm run lint` (part of
// `npm test`) fails on any file that imports across a layer the wrong way.

const eslint = new ESLint({ cwd: process.cwd() });

async function violations(filePath: string, code: string): Promise<string[]> {
  const [result] = await eslint.lintText(code, { filePath });
  return result!.messages.filter((message) => message.ruleId === 'no-restricted-imports').map((message) => message.message);
}

describe('layer rules', () => {
  it.each([
    ["import { headers } from 'next/headers';", /framework-free/],
    ["import { NextResponse } from 'next/server';", /framework-free/],
    ["import { authSecret } from '@/auth/secret';", /may not import adapters/],
    ["import { authSecret } from '../../auth/secret';", /may not import adapters/],
    ["import { limiterOn } from '@/rate-limit/store';", /may not import adapters/],
    ["import { json } from '@/http/api-resource';", /may not import adapters/],
    ["import { consoleContext } from '@/actions/context';", /may not import adapters/],
    ["import { getEventFeed } from '@/server/event-feed';", /may not import adapters/],
    ["import { GET } from '../../../app/api/health/route';", /may not import adapters/],
  ])('refuses %s in src/core', async (code, message) => {
    const found = await violations('src/core/users/example.ts', `${code}\nexport const x = 1;\n`);
    expect(found).toHaveLength(1);
    expect(found[0]).toMatch(message);
  });

  it('lets src/core import the core, the database layer and libraries', async () => {
    const code = ["import { eq } from 'drizzle-orm';", "import { users } from '@/db/schema';", "import { authorize } from '../authorization';", "import { sendWebhook } from './http-sender';", 'export const x = [eq, users, authorize, sendWebhook];'].join('\n');
    expect(await violations('src/core/integrations/example.ts', code)).toEqual([]);
  });

  it('refuses src/actions in src/http, and lets adapters (app/, src/actions) import anything', async () => {
    const code = "import { consoleContext } from '@/actions/context';\nexport const x = consoleContext;\n";
    expect(await violations('src/http/example.ts', code)).toHaveLength(1);
    expect(await violations('app/api/example/route.ts', code)).toEqual([]);
    expect(await violations('src/actions/example.ts', "import { authSecret } from '@/auth/secret';\nexport const x = authSecret;\n")).toEqual([]);
  });
});
