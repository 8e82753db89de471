/**
 * Errors made without a stack trace, for errors that a run meets by the hundred as ordinary
 * outcomes (a failure the simulated network made up, a server's 4xx) and that histories,
 * reports and checkers show by name and message only. V8 captures a stack, async frames
 * included, when an error is constructed; for these that cost more than the rest of the failed
 * request, for a trace of the library's own frames.
 */
export function withoutStack<T extends Error>(make: () => T): T {
  const limit = Error.stackTraceLimit;
  Error.stackTraceLimit = 0;
  try {
    return make();
  } finally {
    Error.stackTraceLimit = limit;
  }
}
