import { readFile } from 'node:fs/promises';
import path from 'node:path';
import { startExplorer } from '../../explorer/server.js';
import { EXPLORER_POLICIES, type ExplorerPolicy } from '../../explorer/session.js';
import { AllowedHostError, allowedHostsOf } from '../../serve/allowed-hosts.js';
import { UsageError, type Command } from '../command.js';
import { historyLimitOption } from '../history-limit-option.js';
import { integerOption, parseOptions } from '../options.js';

export const exploreCommand: Command = {
  name: 'explore',
  summary: 'Explore conflicts interactively in the browser',
  usage: `Usage: syncwright explore [options]

Starts the explorer: a web page over one live simulated world on virtual time. Step the clock,
take clients offline, write on each client and on the server as another user, set latency and
faults per link, and answer conflicts by clicking (policy "ask"). Save the session as a
scenario file that \`syncwright run\` replays identically, or open a report's results.json to
step through a counterexample event by event.

Options:
  --port <n>           port to listen on (default 4000; 0 picks a free one)
  --host <address>     address to listen on (default 127.0.0.1)
  --seed <n>           the world's seed (default 1)
  --clients <n>        number of clients (default 2)
  --policy <name>      conflict policy of the clients: ${EXPLORER_POLICIES.join(', ')} (default ask)
  --open <file>        a results.json whose counterexamples to offer at once
  --save-dir <dir>     write saved sessions there (default: the browser downloads them)
  --allowed-host <n>   a Host name the explorer answers besides localhost, 127.0.0.1, [::1] and
                       --host (repeat it for more; '*' for any)
  --history-limit <n,size>  the largest history a session may grow to (default 20000,16mb); past
                       it, save, undo or reset
  -h, --help           show this help

Example:
  syncwright explore --port 4000 --clients 2
  # then open http://127.0.0.1:4000 in a browser`,

  async run(args, io) {
    const { values } = parseOptions(args, {
      port: { type: 'string' },
      host: { type: 'string' },
      seed: { type: 'string' },
      clients: { type: 'string' },
      policy: { type: 'string' },
      open: { type: 'string' },
      'save-dir': { type: 'string' },
      'allowed-host': { type: 'string', multiple: true },
      'history-limit': { type: 'string' },
    });
    const host = values.host ?? '127.0.0.1';
    const allowedHosts = values['allowed-host'] ?? [];
    try {
      allowedHostsOf(allowedHosts, host);
    } catch (error) {
      if (error instanceof AllowedHostError) throw new UsageError(`--allowed-host: ${error.message}`);
      throw error;
    }
    const { maxEvents, maxBytes } = historyLimitOption(values['history-limit']);
    const port = integerOption('port', values.port, 4000, 0, 65535);
    const seed = integerOption('seed', values.seed, 1, 0, 2 ** 31 - 1);
    const clients = integerOption('clients', values.clients, 2, 1, 10);
    const policy = values.policy ?? 'ask';
    if (!(EXPLORER_POLICIES as readonly string[]).includes(policy))
      throw new UsageError(`--policy expects one of ${EXPLORER_POLICIES.join(', ')}, got '${policy}'`);
    let results: { text: string; source: string } | undefined;
    if (values.open !== undefined) {
      const file = path.resolve(io.cwd, values.open);
      try {
        results = { text: await readFile(file, 'utf8'), source: values.open };
      } catch (error) {
        io.stderr.write(
          `syncwright explore: cannot read ${values.open}: ${error instanceof Error ? error.message : String(error)}\n`,
        );
        return 2;
      }
    }
    let explorer;
    try {
      explorer = await startExplorer({
        port,
        host,
        allowedHosts,
        historyLimit: { maxEvents, maxBytes },
        seed,
        clients,
        policy: policy as ExplorerPolicy,
        ...(results !== undefined ? { results } : {}),
        ...(values['save-dir'] !== undefined ? { saveDir: path.resolve(io.cwd, values['save-dir']) } : {}),
      });
    } catch (error) {
      io.stderr.write(`syncwright explore: ${error instanceof Error ? error.message : String(error)}\n`);
      return 2;
    }
    if (!['127.0.0.1', 'localhost', '::1'].includes(host)) {
      io.stderr.write(
        `syncwright explore: listening on ${host}: anyone who can reach this address can drive the explorer (it has no login)\n`,
      );
    }
    if (allowedHosts.includes('*'))
      io.stderr.write(
        "syncwright explore: --allowed-host '*': any web page the user opens can drive the explorer through DNS rebinding\n",
      );
    io.stdout.write(
      `syncwright explorer on ${explorer.url} (seed ${seed}, ${clients} client${clients === 1 ? '' : 's'}, policy ${policy}); Ctrl-C stops it\n`,
    );
    await new Promise<void>((resolve) => {
      const stop = (): void => {
        process.off('SIGINT', stop);
        process.off('SIGTERM', stop);
        void explorer.close().then(resolve);
      };
      process.on('SIGINT', stop);
      process.on('SIGTERM', stop);
    });
    return 0;
  },
};
