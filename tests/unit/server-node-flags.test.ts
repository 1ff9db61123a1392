import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { serverNodeFlags } from '../../scripts/server-node-flags.mjs';

// `npm start` can't import the flags (package.json holds a command line): it must spell the same ones, or the server
// users run would size its heap differently from the one the bench measures and the cluster starts.
describe('the server’s Node.js flags', () => {
  it('are on `npm start`’s command line, ahead of the script', () => {
    const { scripts } = JSON.parse(readFileSync('package.json', 'utf8')) as { scripts: Record<string, string> };
    expect(scripts.start).toBe(`exec node ${serverNodeFlags.join(' ')} scripts/start.mjs`);
  });

  it('state a heap limit', () => {
    expect(serverNodeFlags).toContainEqual(expect.stringMatching(/^--max-old-space-size=\d+$/));
  });
});
