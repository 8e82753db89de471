import { readFile, stat } from 'node:fs/promises';
import path from 'node:path';
import { sessionOptionsOf } from '../../explorer/scenario-options.js';
import { startExplorer } from '../../explorer/server.js';
import { EXPLORER_POLICIES, type ExplorerPolicy, type ExplorerSessionOptions } from '../../explorer/session.js';
import { terminalSafe } from '../../report/escape.js';
import { resolveClient } from '../../scenario/clients.js';
import { loadScenario } from '../../scenario/load.js';
import { AllowedHostError, allowedHostsOf } from '../../serve/allowed-hosts.js';
import { UsageError, type Command } from '../command.js';
import { historyLimitOption } from '../history-limit-option.js';
import { integerOption, parseOptions } from '../options.js';
import { defaultSaveDirectory } from '../save-directory.js';

export const exploreCommand: Command = {
  name: 'explore',
  summary: 'Explore conflicts interactively in the browser',
  usage: `Usage: syncwright explore [scenario file] [options]

Starts the explorer: a web page over one live simulated world on virtual time. Step the clock,
take clients offline, write on each client and on the server as another user, set latency and
faults per link, and answer conflicts by clicking (policy "ask"). Save the session as a
scenario file that \`syncwright run\` replays identically, or open a report's results.json to
step through a counterexample event by event.

Given a scenario file, the world has that scenario's tables, clients and their policies (a
handler module runs as the app ships it; the conflicts it leaves unhandled wait for your
answer), server editors, seed and server; its steps are not played. Saved sessions then go
where \`syncwright run\` looks by default: the first folder of the config's "scenarios", else
./scenarios (see --save-dir).

Options:
  --client <c>         the client the world runs: reference or sdk (default reference)
  --port <n>           port to listen on (default 4000; 0 picks a free one)
  --host <address>     address to listen on (default 127.0.0.1)
  --seed <n>           the world's seed (default 1)
  --clients <n>        number of clients (default 2; not with a scenario file)
  --policy <name>      conflict policy of the clients: ${EXPLORER_POLICIES.join(', ')} (default ask;
                       with a scenario file, each client's own unless given)
  --open <file>        a results.json whose counterexamples to offer at once
  --save-dir <dir>     write saved sessions there (default: with a scenario file, where run looks;
                       else the browser downloads them)
  --allowed-host <n>   a Host name the explorer answers besides localhost, 127.0.0.1, [::1] and
                       --host (repeat it for more; '*' for any)
  --history-limit <n,size>  the largest history a session may grow to (default 20000,16mb); past
                       it, save, undo or reset
  -h, --help           show this help

Examples:
  syncwright explore --port 4000 --clients 2
  syncwright explore scenarios/mine.json --client sdk
  # then open the printed address in a browser`,

  async run(args, io) {
    const { values, positionals } = parseOptions(
      args,
      {
        port: { type: 'string' },
        host: { type: 'string' },
        seed: { type: 'string' },
        clients: { type: 'string' },
        policy: { type: 'string' },
        open: { type: 'string' },
        'save-dir': { type: 'string' },
        'allowed-host': { type: 'string', multiple: true },
        'history-limit': { type: 'string' },
        client: { type: 'string' },
      },
      true,
    );
    if (positionals.length > 1)
      throw new UsageError(`expected at most one scenario file, got ${positionals.length}: ${positionals.join(' ')}`);
    const scenarioFile = positionals[0];
    const client = values.client ?? 'reference';
    if (client !== 'reference' && client !== 'sdk')
      throw new UsageError(`--client expects reference or sdk, got '${client}'`);
    if (scenarioFile !== undefined && values.clients !== undefined)
      throw new UsageError('--clients: a scenario file names its own clients');
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
    const seedGiven = values.seed === undefined ? undefined : integerOption('seed', values.seed, 1, 0, 2 ** 31 - 1);
    const clients = integerOption('clients', values.clients, 2, 1, 10);
    const policyGiven = values.policy;
    if (policyGiven !== undefined && !(EXPLORER_POLICIES as readonly string[]).includes(policyGiven))
      throw new UsageError(`--policy expects one of ${EXPLORER_POLICIES.join(', ')}, got '${policyGiven}'`);
    const policy = (policyGiven ?? 'ask') as ExplorerPolicy;
    let world: ExplorerSessionOptions = { seed: seedGiven ?? 1, clients, policy };
    let pageSize: number | undefined;
    let saveDir = values['save-dir'] === undefined ? undefined : path.resolve(io.cwd, values['save-dir']);
    if (scenarioFile !== undefined) {
      const opened = await openScenario(scenarioFile, io.cwd, policyGiven as ExplorerPolicy | undefined);
      if (typeof opened === 'string') {
        io.stderr.write(`syncwright explore: ${terminalSafe(opened, true)}\n`);
        return 2;
      }
      world = { ...opened, ...(seedGiven !== undefined ? { seed: seedGiven } : {}) };
      pageSize = opened.base?.pullPageSize;
      saveDir ??= await defaultSaveDirectory(io.cwd);
    }
    const { driver } = await resolveClient(client, { ...(pageSize !== undefined ? { pageSize } : {}) });
    const seed = world.seed ?? 1;
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
        ...world,
        driver,
        ...(results !== undefined ? { results } : {}),
        ...(saveDir !== undefined ? { saveDir } : {}),
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
    const count = explorer.session.view.clients.length;
    const what =
      scenarioFile === undefined
        ? `policy ${policy}`
        : `${scenarioFile}${policyGiven !== undefined ? `, policy ${policyGiven}` : ''}, saving to ${path.relative(io.cwd, saveDir ?? io.cwd) || '.'}`;
    io.stdout.write(
      `syncwright explorer on ${explorer.url} (${client} client, seed ${seed}, ${count} client${count === 1 ? '' : 's'}, ${what}); Ctrl-C stops it\n`,
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

/** The session a scenario file describes, or what is wrong with the file. */
async function openScenario(
  file: string,
  cwd: string,
  policy: ExplorerPolicy | undefined,
): Promise<ExplorerSessionOptions | string> {
  const absolute = path.resolve(cwd, file);
  const info = await stat(absolute).catch(() => undefined);
  if (info === undefined) return `${file}: no such file`;
  if (!info.isFile()) return `${file}: expected a scenario file, found a directory`;
  try {
    return sessionOptionsOf(await loadScenario(absolute, { cwd }), policy);
  } catch (error) {
    if (error instanceof Error && error.name === 'ScenarioError') return error.message;
    return `${file}: ${error instanceof Error ? error.message : String(error)}`;
  }
}
