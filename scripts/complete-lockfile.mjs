// `npm run lock:complete`, after any dependency change made on a machine whose registry mirror serves only
// its own platform's binaries: `npm install` then leaves other platforms' optional packages (Next's SWC,
// Tailwind's oxide, ...) out of package-lock.json, and `npm ci` rejects the lock as out of sync.
// This adds those entries as the public registry would (version, os/cpu/libc), so `npm ci` skips them
// on platforms they don't fit, like any lock made elsewhere.
import { execFileSync } from 'node:child_process';
import { readFileSync, writeFileSync } from 'node:fs';

const lockPath = new URL('../package-lock.json', import.meta.url);
const lock = JSON.parse(readFileSync(lockPath, 'utf8'));
const { packages } = lock;

function platformOf(name) {
  try {
    const out = execFileSync('npm', ['view', name, 'os', 'cpu', 'libc', '--json'], { encoding: 'utf8', stdio: ['ignore', 'pipe', 'ignore'] });
    return JSON.parse(out || '{}');
  } catch {
    return {}; // not served at all: the entry still completes the lock, and npm skips it as a failed optional
  }
}

let added = 0;
for (const [path, entry] of Object.entries({ ...packages })) {
  for (const [name, version] of Object.entries(entry.optionalDependencies ?? {})) {
    const nested = `${path ? `${path}/` : ''}node_modules/${name}`;
    if (packages[nested] || packages[`node_modules/${name}`]) continue;
    const platform = platformOf(name);
    const record = { version, ...(entry.dev ? { dev: true } : {}), optional: true };
    for (const field of ['os', 'cpu', 'libc']) if (platform[field]) record[field] = [platform[field]].flat();
    packages[`node_modules/${name}`] = record;
    added++;
  }
}
writeFileSync(lockPath, `${JSON.stringify(lock, null, 2)}\n`);
console.log(`package-lock.json: ${added} optional platform entries added`);
