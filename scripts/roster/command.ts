/** One `npm run roster -- <name>` subcommand. Register it in scripts/roster.ts. */
export interface Command {
  /** One line for `npm run roster -- --help`. */
  summary: string;
  /** Runs with the arguments after the command name. Throw UsageError/CliError (scripts/cli.ts) for expected failures. */
  run(argv: string[]): Promise<void>;
}
