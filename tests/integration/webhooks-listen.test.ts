import { spawn, type ChildProcess } from 'node:child_process';
import path from 'node:path';
import { Webhook } from 'standardwebhooks';
import { afterEach, describe, expect, it } from 'vitest';

// `npm run roster -- webhooks:listen`, as a developer runs it: a subprocess that prints what it receives.

const root = path.resolve(import.meta.dirname, '../..');
const secret = `whsec_${Buffer.alloc(32, 7).toString('base64')}`;
let listener: ChildProcess | undefined;
afterEach(() => {
  // npx runs tsx runs node: stop the whole process group.
  if (listener?.pid && listener.exitCode === null) process.kill(-listener.pid, 'SIGINT');
  listener = undefined;
});

/** Starts the receiver on a free port; resolves once it says where it listens, with everything it prints so far. */
async function listen(): Promise<{ origin: string; output: () => string }> {
  const child = spawn('npx', ['tsx', '--conditions=react-server', 'scripts/roster.ts', 'webhooks:listen', '--port', '0', '--secret', secret], { cwd: root, detached: true });
  listener = child;
  let output = '';
  child.stdout!.on('data', (chunk: Buffer) => (output += chunk.toString()));
  child.stderr!.on('data', (chunk: Buffer) => (output += chunk.toString()));
  for (let attempt = 0; attempt < 600; attempt++) {
    const origin = /Listening for webhooks on (http:\/\/[\d.]+:\d+)\//.exec(output)?.[1];
    if (origin) return { origin, output: () => output };
    if (child.exitCode !== null) throw new Error(`webhooks:listen exited: ${output}`);
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
  throw new Error(`webhooks:listen did not start: ${output}`);
}

describe('npm run roster -- webhooks:listen', { timeout: 120_000 }, () => {
  it('verifies and prints a signed delivery, and refuses one signed with another secret', async () => {
    const { origin, output } = await listen();
    const body = JSON.stringify({ id: 'evt-1', type: 'user.created', data: { user: { email: 'ada@example.com' } } });
    const post = (signingSecret: string) =>
      fetch(`${origin}/`, {
        method: 'POST',
        headers: {
          'content-type': 'application/json',
          'webhook-id': 'msg_1',
          'webhook-timestamp': String(Math.floor(Date.now() / 1000)),
          'webhook-signature': new Webhook(signingSecret).sign('msg_1', new Date(), body),
        },
        body,
      });

    expect((await post(secret)).status).toBe(204);
    const forged = await post(`whsec_${Buffer.alloc(32, 9).toString('base64')}`);
    expect(forged.status).toBe(401);
    expect(await forged.text()).toMatch(/No matching signature/);
    // Until the listener has printed the refusal (a hang guard of 30 s, not a speed check: it prints at once when idle).
    for (let attempt = 0; attempt < 600 && !output().includes('refused'); attempt++) await new Promise((resolve) => setTimeout(resolve, 50));
    expect(output()).toMatch(/✔ user\.created evt-1 \(webhook-id msg_1\)/);
    expect(output()).toContain('"email": "ada@example.com"');
    expect(output()).toMatch(/✘ refused POST \/: No matching signature/);
  });

  it('refuses to start without a whsec_ secret', async () => {
    const child = spawn('npx', ['tsx', '--conditions=react-server', 'scripts/roster.ts', 'webhooks:listen', '--secret', 'nope'], { cwd: root });
    let stderr = '';
    child.stderr.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
    const code = await new Promise<number | null>((resolve) => child.on('exit', resolve));
    expect(code).toBe(1);
    expect(stderr).toContain('--secret whsec_... is required');
  });
});
