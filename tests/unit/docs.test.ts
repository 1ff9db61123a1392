/**
 * The docs stay true in the two ways a machine can tell: every relative link (and its #anchor) in the README and
 * docs/ leads somewhere, and the configuration page lists exactly the environment variables the code reads.
 */
import { existsSync, readdirSync, readFileSync, statSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { markdownAnchors, markdownLinks } from '../support/markdown';

const root = path.resolve(import.meta.dirname, '../..');
const read = (file: string) => readFileSync(path.join(root, file), 'utf8');

function filesUnder(dir: string, keep: (file: string) => boolean): string[] {
  if (!existsSync(path.join(root, dir))) return [];
  return readdirSync(path.join(root, dir), { recursive: true, withFileTypes: true })
    .filter((entry) => entry.isFile())
    .map((entry) => path.relative(root, path.join(entry.parentPath, entry.name)))
    .filter(keep);
}

const markdownFiles = ['README.md', ...filesUnder('docs', (file) => file.endsWith('.md'))];

describe('relative links in the README and docs/', () => {
  it.each(markdownFiles)('%s: every relative link resolves, anchors included', (file) => {
    const broken = markdownLinks(read(file))
      .filter(({ url }) => !/^[a-z][a-z0-9+.-]*:|^\/\//i.test(url))
      .flatMap(({ url, line }) => {
        const [target, anchor] = url.split('#') as [string, string | undefined];
        const resolved = target ? path.join(path.dirname(file), decodeURIComponent(target)) : file;
        if (!existsSync(path.join(root, resolved))) return [`line ${line}: ${url} (no ${resolved})`];
        if (anchor === undefined || statSync(path.join(root, resolved)).isDirectory()) return [];
        if (!resolved.endsWith('.md')) return [`line ${line}: ${url} (an anchor into a file that is not Markdown)`];
        return markdownAnchors(read(resolved)).has(anchor) ? [] : [`line ${line}: ${url} (no heading #${anchor})`];
      });
    expect(broken).toEqual([]);
  });
});

/** Set by the platform or the tools, not settings of Roster's own. */
const notRosterSettings = new Set(['CI', 'NODE_ENV', 'NODE_OPTIONS', 'NEXT_RUNTIME', 'VITEST_POOL_ID']);

/** Where the code reads the environment: the app, its scripts, the tests, the bench and the root configs. */
const codeFiles = [
  ...['src', 'app', 'scripts', 'bench', 'tests', 'packages'].flatMap((dir) =>
    filesUnder(dir, (file) => /\.(ts|tsx|mjs|js)$/.test(file) && !file.includes('node_modules') && !file.includes('/dist/')),
  ),
  ...readdirSync(root).filter((file) => /\.(ts|mjs)$/.test(file)),
];

/**
 * `process.env.NAME` (or `env.NAME` where the environment is passed in), `process.env['NAME']`, a name destructured
 * from it (`const { ROSTER_OWNER_EMAIL: email } = env`), and names handed to a reader as a string
 * (`rateSettingFromEnv('ROSTER_…')`).
 */
const envReads = [/\benv\.([A-Z][A-Z0-9_]*)/g, /\benv\[['"]([A-Z][A-Z0-9_]*)['"]\]/g, /['"`](ROSTER_[A-Z0-9_]+)['"`]/g];
const destructured = /\{([^}]*)\}\s*=\s*(?:process\.)?env\b/g;

function variablesTheCodeReads(): Set<string> {
  const names = new Set<string>();
  for (const file of codeFiles) {
    if (file === 'tests/unit/docs.test.ts') continue;
    const text = read(file);
    for (const pattern of envReads) for (const match of text.matchAll(pattern)) names.add(match[1]!);
    for (const [, keys] of text.matchAll(destructured)) for (const [name] of keys!.matchAll(/\b[A-Z][A-Z0-9_]+\b/g)) names.add(name);
  }
  for (const name of notRosterSettings) names.delete(name);
  return names;
}

/** The first column of docs/configuration.md's tables: one or more `NAME`s per row. */
function documentedVariables(): Set<string> {
  const names = new Set<string>();
  for (const line of read('docs/configuration.md').split('\n')) {
    const firstCell = /^\|([^|]*)\|/.exec(line)?.[1] ?? '';
    for (const match of firstCell.matchAll(/`([A-Z][A-Z0-9_]*)`/g)) names.add(match[1]!);
  }
  return names;
}

describe('environment variables', () => {
  const read = variablesTheCodeReads();
  const documented = documentedVariables();

  it('finds the variables (the scan itself works)', () => {
    expect(read).toContain('DATABASE_URL');
    expect(documented).toContain('DATABASE_URL');
  });

  it('every variable the code reads is in docs/configuration.md', () => {
    expect([...read].filter((name) => !documented.has(name)).sort()).toEqual([]);
  });

  it('every variable docs/configuration.md lists is read by the code', () => {
    expect([...documented].filter((name) => !read.has(name)).sort()).toEqual([]);
  });
});
