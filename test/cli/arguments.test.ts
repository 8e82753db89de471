import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { cli, SMALL_FIXED, workspace } from './helpers.js';

let dir: string;
let cleanup: () => Promise<void>;

beforeAll(async () => {
  ({ dir, cleanup } = await workspace({
    'fixed.json': SMALL_FIXED,
    'not-json.json': '{ "name": "broken", ',
    'bad-field.json': { name: 'bad', clients: 'two', steps: [] },
    'hostile.json': { name: 'evil \u001b[2J<script>alert(1)</script>', clients: 'x\u001b]0;pwned\u0007' },
    'notes.txt': 'not a scenario',
    'not-a-driver.mjs': 'export const answer = 42;',
  }));
});
afterAll(() => cleanup());

describe('argument errors name the argument and exit 2', () => {
  test.each([
    [['run', 'fixed.json', '--runs', 'many'], /--runs expects a whole number, got 'many'/],
    [['run', 'fixed.json', '--runs', '0'], /--runs expects a number from 1/],
    [['run', 'fixed.json', '--seed', '1.5'], /--seed expects a whole number .* or 'random'; got '1.5'/],
    [['run', 'fixed.json', '--workers', '0'], /--workers expects a number from 1 to 256, got 0/],
    [
      ['run', 'fixed.json', '--shard', '3/2'],
      /--shard expects <index>\/<total> with 1 ≤ index ≤ total, e\.g\. 1\/4; got '3\/2'/,
    ],
    [['run', 'fixed.json', '--shard', 'first'], /--shard expects <index>\/<total>.*got 'first'/],
    [
      ['run', 'fixed.json', '--reporter', 'html,pdf'],
      /--reporter: unknown reporter "pdf"; use html, junit, json, list/,
    ],
    [
      ['run', 'fixed.json', '--time-limit', 'soon'],
      /--time-limit expects a duration such as 90s, 10m, 1h30m or 500ms, got 'soon'/,
    ],
    [
      ['run', 'fixed.json', '--mutation', 'typo'],
      /--mutation expects mutant names from: wrong-collapse, .*; got 'typo'/,
    ],
    [
      ['run', 'fixed.json', '--client', 'sdk', '--mutation', 'drop-if-match'],
      /--mutation applies to the reference client only, not to 'sdk'/,
    ],
    [
      ['run', 'fixed.json', '--client', './no-driver.js'],
      /--client: '\.\/no-driver\.js' not found \(expected reference, sdk, both, or the path of a module/,
    ],
    [
      ['run', 'fixed.json', '--client', './not-a-driver.mjs'],
      /--client: client module \.\/not-a-driver\.mjs must export a ClientDriverFactory/,
    ],
    [
      ['run', 'fixed.json', '--client', 'sdk', '--compare', 'sdk'],
      /--compare expects reference \(the client the others are judged against\), got 'sdk'/,
    ],
    [
      ['run', 'fixed.json', '--client', 'sdk', '--sdk-mutation', 'typo'],
      /--sdk-mutation expects mutant names from: xhr-drops-if-match, plugin-loses-last-statement, snapshot-booleans-as-numbers, date-from-time-reads-clock; got 'typo'/,
    ],
    [
      ['run', 'fixed.json', '--sdk-mutation', 'xhr-drops-if-match'],
      /--sdk-mutation applies to the sdk client only, not to 'reference'/,
    ],
    [['replay', 'fixed.json', '--client', 'sdk', '--compare', 'nobody'], /--compare expects reference/],
    [['run', 'fixed.json', '--frobnicate'], /Unknown option '--frobnicate'/],
    [
      ['run', 'missing.json'],
      /scenario file 'missing.json' not found \(expected a scenario file, a directory of them, or a glob/,
    ],
    [['run', 'notes.txt'], /'notes.txt' is not a scenario file \(expected a file ending in \.json, \.ts/],
    [['run', 'nothing-*.json'], /'nothing-\*\.json' matches no scenario files/],
    [['replay'], /expected what to replay: <scenario file> <seed>:<path>, or a counterexample file/],
    [['replay', '42:3:1'], /42:3:1 needs its scenario: syncwright replay <scenario file> 42:3:1, or --scenario <file>/],
    [['replay', 'fixed.json', '42:1', '7:2'], /expected one <seed>:<path>, got 42:1 and 7:2/],
    [['replay', 'fixed.json', '--name', 'x'], /--name, --to and --expect-fail go with --save/],
    [['replay', 'fixed.json', '--to', 'elsewhere'], /--name, --to and --expect-fail go with --save/],
    [['replay', 'fixed.json', '--save', '--to', ' '], /--to expects a folder/],
    [['merge-reports'], /expected the directories \(or results\.json files\) of the shards to merge/],
    [
      ['merge-reports', 'no-such-dir'],
      /'no-such-dir' not found \(expected a report directory or a results\.json file\)/,
    ],
    [['selftest', '--mutation', 'nope'], /--mutation expects mutant names from/],
  ])('%j', async (argv, message) => {
    const outcome = await cli(argv, dir);
    expect(outcome.code).toBe(2);
    expect(outcome.stderr).toMatch(message);
    expect(outcome.stderr).toContain(`Usage: syncwright ${argv[0]}`);
  });
});

describe('scenario file errors', () => {
  test('a file that is not JSON is named, with where it broke and what was expected', async () => {
    const outcome = await cli(['run', 'fixed.json', 'not-json.json', '--reporter', 'json'], dir);
    expect(outcome.code).toBe(2);
    expect(outcome.stderr).toMatch(/not-json\.json: \(scenario\): expected valid JSON, found a syntax error/);
    expect(outcome.stderr).toContain('nothing was run');
  });

  test('a field of the wrong type is named with the file and what was expected', async () => {
    const outcome = await cli(['run', 'bad-field.json'], dir);
    expect(outcome.code).toBe(2);
    expect(outcome.stderr).toMatch(/bad-field\.json: clients: expected/);
  });

  test('terminal escapes and markup in a broken scenario never reach the terminal raw', async () => {
    const outcome = await cli(['run', 'hostile.json'], dir);
    expect(outcome.code).toBe(2);
    expect(outcome.stderr).toContain('hostile.json');
    expect(outcome.stderr).not.toContain('\u001b');
    expect(outcome.stderr).not.toContain('\u0007');
  });
});

test('serve refuses an unknown --profile or --compat with exit code 2', async () => {
  const profile = await cli(['serve', '--profile', 'iis'], dir);
  expect(profile.code).toBe(2);
  expect(profile.stderr).toContain("--profile expects one of node, aspnet, got 'iis'");
  const compat = await cli(['serve', '--compat', 'strict'], dir);
  expect(compat.code).toBe(2);
  expect(compat.stderr).toContain("--compat expects one of default, exact, got 'strict'");
});

describe('--help', () => {
  test.each(['run', 'replay', 'merge-reports', 'selftest', 'serve', 'explore', 'conformance'])(
    '%s --help prints its usage and exits 0',
    async (command) => {
      const outcome = await cli([command, '--help'], dir);
      expect(outcome.code).toBe(0);
      expect(outcome.stdout).toContain(`Usage: syncwright ${command}`);
      expect(outcome.stdout).toContain('--help');
    },
  );

  test('the command list names every command', async () => {
    const outcome = await cli(['--help'], dir);
    expect(outcome.code).toBe(0);
    for (const command of ['run', 'replay', 'merge-reports', 'selftest', 'serve', 'explore', 'conformance'])
      expect(outcome.stdout).toMatch(new RegExp(`^  ${command} `, 'm'));
  });
});
