// `npm run roster -- <command> [options]`: Roster's operator CLI. Each command is a module in scripts/roster/
// that default-exports a Command; it is loaded only when run, so one command's imports never slow another down.
// To add a command, write its module and add a line to `commands`.
import { runCli, UsageError } from './cli';
import type { Command } from './roster/command';

const commands: Record<string, () => Promise<{ default: Command }>> = {
  'create-owner': () => import('./roster/create-owner'),
  'create-api-key': () => import('./roster/create-api-key'),
  'revoke-api-key': () => import('./roster/revoke-api-key'),
  'webhook:send': () => import('./roster/webhook-send'),
  'webhooks:listen': () => import('./roster/webhooks-listen'),
  'scim:group-role': () => import('./roster/scim-group-role'),
};

async function usage(): Promise<string> {
  const lines = await Promise.all(
    Object.entries(commands).map(async ([name, load]) => `  ${name.padEnd(16)} ${(await load()).default.summary}`),
  );
  return ['Usage: npm run roster -- <command> [options]', '', 'Commands:', ...lines, '', 'Run `npm run roster -- <command> --help` for its options.'].join('\n');
}

await runCli(async () => {
  const [name, ...argv] = process.argv.slice(2);
  if (name === undefined || name === '--help' || name === '-h' || name === 'help') {
    console.log(await usage());
    if (name === undefined) process.exitCode = 1;
    return;
  }
  const load = Object.hasOwn(commands, name) ? commands[name] : undefined;
  if (!load) throw new UsageError(`unknown command "${name}"\n\n${await usage()}`);
  await (await load()).default.run(argv);
});
