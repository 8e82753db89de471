/**
 * docs/performance.md, written by the bench from its own output: a header naming the commit,
 * the date and the machine's state, the goals next to this run's figures, then every section's
 * lines as the bench printed them. One source: nothing on the page is typed by hand.
 */

export interface PageSection {
  readonly name: string;
  readonly lines: readonly string[];
}

export interface PageInput {
  /** Commit, date, Node, CPUs and load average at the start. */
  readonly state: string;
  readonly loadAtEnd: string;
  readonly command: string;
  readonly goals: readonly string[];
  readonly sections: readonly PageSection[];
}

const SECTION_TITLES: Readonly<Record<string, string>> = {
  compare: 'Side by side with the commit before issue 16',
  profiles: 'The wide generator profile against the old mix',
  breakdown: 'Where a run’s time goes',
  memory: 'Memory over many runs of each client',
  world: 'The world against real HTTP',
  pull: 'A large pull',
  sdk: 'The real SDK on virtual time',
  mutants: 'Mutants',
  'hunt-throughput': 'Hunt throughput: `syncwright hunt --client sdk` with 1 and 2 workers',
};

const ABOUT: Readonly<Record<string, string>> = {
  compare:
    'Both commits are built in temporary git worktrees and run the same workloads. Each round starts a fresh process per build and workload, each with its build’s heap sizing as its command line sets it (a build with `src/kernel/heap-growth.ts` collects at 2× the live heap; the base keeps V8’s default); the two warm up one after the other, then their measuring windows take turns (first, second, second, first, …; which build goes first alternates from round to round), so that a slow spell of the shared machine falls on both builds’ windows rather than on one build’s whole round (src/bench/compare.ts). ' +
    '`sdk-generated`: programs of `scenarios/generated-tutorial.ts` (2 clients, an editor, up to 14 steps, every fault kind) on the real SDK, checkers included. ' +
    '`world-standard`: the standard scenario (3 reference clients, 40 steps, every fault kind). ' +
    'A round’s figure is the median of its measuring windows; a window is a fixed number of runs (the SDK: 30 warm-up runs, then 5 windows of 34, so each of the 200 programs runs once; the reference client: 150, then 5 of 80), so both builds time the very same programs and only the time differs. A side’s figure is the median over rounds, with the slowest and fastest round. A round’s ratio is the median over its windows of head over base in the same window (the same programs, run seconds apart rather than a whole process apart); the ratio is the median over rounds, with the slowest and fastest round. A ratio goal is met when a 95% lower confidence bound of the median ratio meets it: the k-th slowest round, by the binomial sign test (with 5 rounds the slowest, so every round must meet it; with 9 the second slowest; fewer than 5 never show a goal met). A median that meets the goal while the bound does not is reported as unclear (src/bench/ratio-verdict.ts).',
  profiles:
    'One build, one process: programs of `scenarios/generated-tutorial.ts` on the reference client, checkers included, drawn with the `old-mix` profile (the generator before the wide one) and with the default `wide` profile, in interleaved rounds. ' +
    'The ratio is wide over old-mix per round; issue 15 asks for at least 0.7 (no more than 30% slower).',
  breakdown:
    'CPU samples of V8’s profiler, each put in one category: first by who asked (client creation, checkers, history, backend, anywhere on the stack), ' +
    'otherwise by what ran (the innermost frame of a known file). The profiler’s own cost is included. ' +
    'Beside each category, the speed-up of a run were that category to cost nothing (Amdahl’s bound: no change to that part alone can give more). ' +
    'A ratio goal whose median falls short says, in its goal line, how much of a run must go to meet it and how many of the largest categories that much is (src/bench/headroom.ts).',
  memory:
    'One process per client, started with --expose-gc and sizing its heap as the command line does (`src/kernel/heap-growth.ts`: V8 collects at 2× the live heap, not up to 4×). ' +
    '`sdk-fresh` and `reference-fresh`: the programs of `sdk-generated` and `reference-generated`, but a fresh one every run, drawn from the seed and the run’s index as a hunt draws them, so that no run repeats an earlier one’s program and nothing a run says can stay cached for a later one. ' +
    'RSS at the start (after 20 warm-up runs), after the first 5% of the runs (V8’s heap has grown to its working size by then; the goal counts from there, as serve-soak does) and at the end, each read as the runs leave it, before any forced collection; WebAssembly memory (sql.js) apart; ' +
    'the V8 heap after a forced GC at the start, after the first 5%, every 1,000 runs (the progress lines; ten forced collections in all) and at the end, and its high-water mark; ' +
    'the heap after GC again with syncwright’s process-wide caches emptied, at the start, after the first 5% and at the end (the caches are memos with fixed bounds that fill over the first thousands of runs, `src/kernel/process-caches.ts`), and V8’s code spaces within it (compiled code grows as more paths get hot): what else grew is what the runs left behind; ' +
    'open and reachable SDK realms, apps, databases and SDK timers, read after four forced collections at both ends (V8 sometimes keeps the last run’s apps through the first one or two).',
  'hunt-throughput':
    'The built CLI as a user runs it, in a process of its own from the repository’s root: `syncwright hunt --client sdk` over the generated scenarios of `./scenarios`, a fixed run budget and seed, the SDK baseline (known findings do not fail the hunt), a fresh corpus, shrinking and triage on as by default; once with 1 worker, then with 2. ' +
    'A run budget makes both hunts run the same programs, shrinks and triage variations. Runs are what the hunt’s findings.json reports: the exploration’s runs (generated programs and mutants), each finding’s shrink runs and triage runs; ' +
    'runs/s is all of them over the process’s wall-clock time, start-up included. The exploration alone, timed by the hunt’s own clock, is shown beside it: shrinking and triage run one task per finding, all shrinks and then all triages, so a few long tasks leave a second worker idle there.',
};

export function performancePage(input: PageInput): string {
  const out: string[] = [
    '# Performance',
    '',
    '<!-- Written by `npm run bench -- --docs` (src/bench/main.ts) from the bench’s own output. Do not edit by hand: run the bench. -->',
    '',
    `Measured with \`${input.command}\` on ${input.state} at the start (${input.loadAtEnd} at the end). ` +
      'The machine is shared: figures are medians with the slowest and fastest beside them.',
    '',
    '## Goals (issues 15 and 16)',
    '',
    ...input.goals.map((line) => `- ${line}`),
    '',
  ];
  for (const section of input.sections) {
    out.push(`## ${SECTION_TITLES[section.name] ?? section.name}`, '');
    const about = ABOUT[section.name];
    if (about !== undefined) out.push(about, '');
    out.push('```text', ...section.lines, '```', '');
  }
  return out.join('\n');
}
