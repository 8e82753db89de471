/** A CLI command: its name, its help text, and what it does with its arguments. */
export interface Command {
  readonly name: string;
  /** One line for the command list. */
  readonly summary: string;
  /** The full `--help` text. */
  readonly usage: string;
  /** Returns the process exit code. */
  run(args: string[], io: CommandIO): Promise<number>;
}

/** Where a command writes; injected so commands can be tested without a process. */
export interface CommandIO {
  readonly stdout: NodeJS.WritableStream & { isTTY?: boolean };
  readonly stderr: NodeJS.WritableStream;
  readonly cwd: string;
  /** The environment colour and CI conventions are read from (NO_COLOR, FORCE_COLOR). Default: process.env. */
  readonly env?: NodeJS.ProcessEnv;
}

/** A mistake in the command line: printed with the command's usage, exit code 2. */
export class UsageError extends Error {
  override readonly name = 'UsageError';
}
