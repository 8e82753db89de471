/**
 * Ctrl-C and `kill` during a long command: instead of dying without a word, the process says
 * what it had done and what it did not write, then exits with the signal's conventional code
 * (130 for SIGINT, 143 for SIGTERM). Worker threads end with the process.
 */

const EXIT_CODES = { SIGINT: 130, SIGTERM: 143 } as const;

/**
 * Until the returned function is called, SIGINT and SIGTERM write `message()` (one line) to
 * `stderr` and end the process.
 */
export function onInterrupt(stderr: { write(text: string): unknown }, message: () => string): () => void {
  const handlers = (Object.keys(EXIT_CODES) as (keyof typeof EXIT_CODES)[]).map((signal) => {
    const handler = (): void => {
      stderr.write(`\n${message()}\n`);
      process.exit(EXIT_CODES[signal]);
    };
    process.once(signal, handler);
    return [signal, handler] as const;
  });
  return () => {
    for (const [signal, handler] of handlers) process.off(signal, handler);
  };
}

/** Until Ctrl-C or a termination signal: how a server command (serve, show-report) waits to stop. */
export function untilSignal(): Promise<void> {
  return new Promise<void>((resolve) => {
    const stop = (): void => {
      process.off('SIGINT', stop);
      process.off('SIGTERM', stop);
      resolve();
    };
    process.on('SIGINT', stop);
    process.on('SIGTERM', stop);
  });
}
