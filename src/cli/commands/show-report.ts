import { spawn } from 'node:child_process';
import { untilSignal } from '../interrupt.js';
import { stat } from 'node:fs/promises';
import path from 'node:path';
import { HTML_REPORT_FILE } from '../../report/html.js';
import { serveReportFolder } from '../../serve/report-folder.js';
import { UsageError, type Command } from '../command.js';
import { integerOption, parseOptions } from '../options.js';

/** What `show-report` needs from the world beyond its I/O: when to stop, and how to open a browser. */
export interface ShowReportDeps {
  /** Resolves when the server should stop (Ctrl-C). */
  readonly untilStopped: () => Promise<void>;
  /** Opens the URL in the user's browser; resolves to an error message if it could not. */
  readonly openBrowser: (url: string) => Promise<string | null>;
}

export function createShowReportCommand(deps: ShowReportDeps): Command {
  return {
    name: 'show-report',
    summary: 'Serve a report folder on 127.0.0.1 and print its URL',
    usage: `Usage: syncwright show-report [dir] [options]

Serves the report folder (default reports/, where \`syncwright run\` writes) on 127.0.0.1 and
prints its URL, until Ctrl-C. Only the folder's own files are served, read-only, to this machine.

Options:
  --port <n>   port to listen on (default 0: a free one)
  --open       open the URL in the default browser as well
  -h, --help   show this help

Exit code: 0 after Ctrl-C, 2 for a mistake in the arguments or a folder without a report.

Examples:
  syncwright show-report
  syncwright show-report reports/replay --open
  syncwright show-report merged --port 9323`,

    async run(args, io) {
      const { values, positionals } = parseOptions(args, { port: { type: 'string' }, open: { type: 'boolean' } }, true);
      if (positionals.length > 1)
        throw new UsageError(`expected one report folder, got ${positionals.map((p) => `'${p}'`).join(' and ')}`);
      const port = integerOption('port', values.port, 0, 0, 65535);
      const shown = positionals[0] ?? 'reports';
      const dir = path.resolve(io.cwd, shown);
      const index = await stat(path.join(dir, HTML_REPORT_FILE)).catch(() => null);
      if (index === null || !index.isFile()) {
        throw new UsageError(
          `${shown}: expected a report folder holding ${HTML_REPORT_FILE}, found none (write one with \`syncwright run --reporter html\` or \`syncwright replay … --out ${shown}\`)`,
        );
      }
      let server;
      try {
        server = await serveReportFolder({ dir, port });
      } catch (error) {
        io.stderr.write(`syncwright show-report: ${error instanceof Error ? error.message : String(error)}\n`);
        return 2;
      }
      io.stdout.write(`serving ${shown} on ${server.url} ; Ctrl-C stops it\n`);
      if (values.open === true) {
        const failed = await deps.openBrowser(server.url);
        if (failed !== null)
          io.stderr.write(`syncwright show-report: could not open a browser (${failed}); open ${server.url}\n`);
      }
      await deps.untilStopped();
      await server.close();
      return 0;
    },
  };
}

/** The platform's "open this URL" program, detached: the browser outlives nothing of ours. */
function openWithSystem(url: string): Promise<string | null> {
  const [program, ...args] =
    process.platform === 'darwin'
      ? ['open', url]
      : process.platform === 'win32'
        ? ['cmd', '/c', 'start', '""', url]
        : ['xdg-open', url];
  return new Promise((resolve) => {
    const child = spawn(program!, args, { detached: true, stdio: 'ignore' });
    child.once('error', (error) => resolve(error.message));
    child.once('spawn', () => {
      child.unref();
      resolve(null);
    });
  });
}

export const showReportCommand: Command = createShowReportCommand({
  untilStopped: untilSignal,
  openBrowser: openWithSystem,
});
