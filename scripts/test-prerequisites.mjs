// The first step of `npm test`: the Debian packages the suites drive, installed when this process can (as root, with
// apt-get), else named in the one command to run. Chromium is required (Playwright drives Debian's, never a download
// of its own). HAProxy (the several-instances tests) and PostgreSQL's server binaries (the fault tests' private
// servers) are optional: without them those suites skip and say why. Under CI=true every one is required, since a run
// that skipped them would pass without testing what they test.
import { spawnSync } from 'node:child_process';
import { existsSync, readdirSync } from 'node:fs';

const postgresBinaries = () => {
  if (process.env.ROSTER_POSTGRES_BIN) return existsSync(`${process.env.ROSTER_POSTGRES_BIN}/initdb`);
  const versions = existsSync('/usr/lib/postgresql') ? readdirSync('/usr/lib/postgresql') : [];
  return versions.some((version) => existsSync(`/usr/lib/postgresql/${version}/bin/initdb`));
};

const ci = process.env.CI === 'true';
const packages = [
  { name: 'chromium', present: () => existsSync('/usr/bin/chromium'), required: true, without: 'the end-to-end tests can’t run' },
  { name: 'haproxy', present: () => existsSync(process.env.ROSTER_HAPROXY ?? '/usr/sbin/haproxy'), required: ci, without: 'the several-instances tests skip' },
  { name: 'postgresql', present: postgresBinaries, required: ci, without: 'the fault tests skip' },
];

const missing = () => packages.filter((pkg) => !pkg.present());
const canInstall = process.getuid?.() === 0 && spawnSync('apt-get', ['--version'], { stdio: 'ignore' }).status === 0;

if (missing().length > 0 && canInstall) {
  const names = missing().map((pkg) => pkg.name);
  console.log(`test prerequisites: installing Debian packages: ${names.join(' ')}`);
  const env = { ...process.env, DEBIAN_FRONTEND: 'noninteractive' };
  for (const args of [['update', '-qq'], ['install', '-y', '-qq', ...names]]) {
    const result = spawnSync('apt-get', args, { stdio: ['ignore', 'ignore', 'inherit'], env });
    if (result.status !== 0) break;
  }
}

const stillMissing = missing();
for (const pkg of stillMissing.filter((pkg) => !pkg.required)) {
  console.log(`test prerequisites: ${pkg.name} is not installed, so ${pkg.without} (apt-get install -y ${pkg.name})`);
}
const blocking = stillMissing.filter((pkg) => pkg.required);
if (blocking.length > 0) {
  const names = blocking.map((pkg) => pkg.name).join(' ');
  console.error(`test prerequisites: npm test needs ${names}${ci ? ' (CI=true runs every suite)' : ''}. Run:\n\n  sudo apt-get update && sudo apt-get install -y ${names}\n`);
  process.exit(1);
}
