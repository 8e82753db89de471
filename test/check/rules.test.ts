/**
 * The rule registry (src/check/rules.ts) and the page that states the rules (docs/semantics.md)
 * say the same thing: every rule has its heading and the heading its rule, in the same order and
 * words; every rule says where it comes from, and what it cites exists in the SDK package; every
 * "Checked by" line names the checkers that cite the rule; every link and rule id on the page
 * resolves. The checks are pure functions of the page's text, so the planted mistakes below show
 * each one failing.
 */
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, test } from 'vitest';
import { CHECKER_NAMES } from '../../src/check/index.js';
import { RULES, RULES_DOC, type Rule, type RuleId } from '../../src/check/rules.js';

const ROOT = path.resolve(import.meta.dirname, '../..');
const SDK = path.join(ROOT, 'node_modules/azure-mobile-apps-client');
const DOC = readFileSync(path.join(ROOT, RULES_DOC), 'utf8');
const FINDINGS = readFileSync(path.join(ROOT, 'docs/sdk-findings.md'), 'utf8');
const REFERENCE_CLIENT = readFileSync(path.join(ROOT, 'docs/concepts/reference-client.md'), 'utf8');

const IDS: ReadonlySet<string> = new Set(RULES.map((rule) => rule.id));
const AREA_ID =
  /^(local|queue|push|handler|pull|purge|concurrency|restart|convergence|liveness|session|roundtrip|diff)\.[a-z0-9-]+$/;

/** GitHub's heading anchor: markdown code marks gone, lower case, punctuation dropped, spaces → `-`. */
function slug(heading: string): string {
  return heading
    .replace(/`/g, '')
    .toLowerCase()
    .replace(/[^\p{L}\p{N}\s_-]/gu, '')
    .replace(/\s/g, '-');
}

function anchorsOf(markdown: string): Set<string> {
  return new Set(
    markdown
      .split('\n')
      .map((line) => /^#{1,6}\s+(.*)$/.exec(line)?.[1])
      .filter((heading): heading is string => heading !== undefined)
      .map(slug),
  );
}

interface Section {
  /** What the heading names as the rule's id (any heading that opens with a code span). */
  readonly id: string;
  readonly title: string | undefined;
  readonly heading: string;
  readonly line: number;
  readonly body: readonly string[];
}

/** The page's rule sections: each heading that opens with `` `something` `` up to the next heading. */
function sections(markdown: string): Section[] {
  const lines = markdown.split('\n');
  const found: Section[] = [];
  for (let i = 0; i < lines.length; i++) {
    const match = /^#{2,6}\s+`([^`]+)`(?:\s+—\s+(.+))?\s*$/.exec(lines[i]!);
    if (match === null) continue;
    let end = i + 1;
    while (end < lines.length && !/^#{1,6}\s/.test(lines[end]!)) end++;
    found.push({
      id: match[1]!,
      title: match[2],
      heading: lines[i]!.replace(/^#+\s+/, ''),
      line: i + 1,
      body: lines.slice(i + 1, end),
    });
  }
  return found;
}

/** The paragraph of a section that starts with `label:` (its lines up to a blank one), or undefined. */
function paragraph(section: Section, label: string): string | undefined {
  const start = section.body.findIndex((line) => line.startsWith(`${label}:`));
  if (start < 0) return undefined;
  const lines: string[] = [];
  for (let i = start; i < section.body.length && section.body[i]!.trim() !== ''; i++) lines.push(section.body[i]!);
  return lines.join(' ');
}

/** What disagrees between the page and the registry (empty when they agree). */
function docIssues(markdown: string, rules: readonly Rule[]): string[] {
  const issues: string[] = [];
  const found = sections(markdown);
  const byId = new Map<string, Section[]>();
  for (const section of found) byId.set(section.id, [...(byId.get(section.id) ?? []), section]);
  for (const rule of rules) {
    const mine = byId.get(rule.id) ?? [];
    if (mine.length === 0) {
      issues.push(`${RULES_DOC}: rule ${rule.id}: expected a heading \`${rule.id}\` — ${rule.title}, found none`);
      continue;
    }
    if (mine.length > 1) issues.push(`${RULES_DOC}: rule ${rule.id}: expected one heading, found ${mine.length}`);
    const section = mine[0]!;
    if (section.title !== rule.title)
      issues.push(
        `${RULES_DOC}:${section.line}: rule ${rule.id}: expected the title "${rule.title}", found "${section.title ?? ''}"`,
      );
    if (slug(section.heading) !== rule.anchor)
      issues.push(
        `${RULES_DOC}:${section.line}: rule ${rule.id}: expected anchor ${rule.anchor}, found ${slug(section.heading)}`,
      );
    if (paragraph(section, 'Source') === undefined)
      issues.push(`${RULES_DOC}:${section.line}: rule ${rule.id}: expected a "Source:" line, found none`);
    if (paragraph(section, 'Checked by') === undefined)
      issues.push(`${RULES_DOC}:${section.line}: rule ${rule.id}: expected a "Checked by:" line, found none`);
  }
  const known: ReadonlySet<string> = new Set(rules.map((rule) => rule.id));
  for (const section of found) {
    if (!known.has(section.id))
      issues.push(
        `${RULES_DOC}:${section.line}: heading \`${section.id}\`: expected a rule of src/check/rules.ts, found none`,
      );
  }
  const order = found.map((section) => section.id).filter((id) => known.has(id));
  const expected = rules.map((rule): string => rule.id).filter((id) => order.includes(id));
  if (issues.length === 0 && order.join() !== expected.join())
    issues.push(`${RULES_DOC}: expected the rules in the registry's order, found ${order.join(', ')}`);
  return issues;
}

/**
 * What a section's Source line cites that the SDK package does not have: each `sdk/src/….js` or
 * `….md` must be a file of the package, and each identifier cited after it must occur in that file.
 */
function sourceIssues(section: Section, packageDir: string): string[] {
  const source = paragraph(section, 'Source');
  if (source === undefined) return [];
  const issues: string[] = [];
  let file: { name: string; text: string } | undefined;
  for (const [, token] of source.matchAll(/`([^`]+)`/g)) {
    if (/^(sdk\/src\/[\w/]+\.js|[\w-]+\.md)$/.test(token!)) {
      const at = path.join(packageDir, token!);
      if (!existsSync(at)) {
        issues.push(
          `${RULES_DOC}:${section.line}: rule ${section.id}: expected ${token} in the SDK package, found none`,
        );
        file = undefined;
      } else file = { name: token!, text: readFileSync(at, 'utf8') };
    } else if (/^[A-Za-z_$][\w$]*$/.test(token!)) {
      if (file === undefined) {
        issues.push(
          `${RULES_DOC}:${section.line}: rule ${section.id}: expected a file before \`${token}\`, found none`,
        );
      } else if (!new RegExp(`\\b${token!.replace(/\$/g, '\\$')}\\b`).test(file.text)) {
        issues.push(
          `${RULES_DOC}:${section.line}: rule ${section.id}: expected \`${token}\` in ${file.name}, found none`,
        );
      }
    }
  }
  return issues;
}

/** Links to headings (`#…`, `sdk-findings.md#…`, `concepts/reference-client.md#…`, `semantics.md#…`) that lead nowhere. */
function brokenLinks(markdown: string, name: string, targets: Record<string, Set<string>>): string[] {
  const issues: string[] = [];
  for (const [, file, anchor] of markdown.matchAll(/\]\(([^)#\s]*)#([^)\s]+)\)/g)) {
    const known = targets[file!];
    if (known === undefined)
      issues.push(`${name}: link to ${file}#${anchor}: expected a page this test knows, found ${file}`);
    else if (!known.has(anchor!))
      issues.push(`${name}: link to ${file}#${anchor}: expected a heading there, found none`);
  }
  return issues;
}

/** The checkers and the rules each cites, read from their sources. */
function citations(): Map<string, Set<string>> {
  const cited = new Map<string, Set<string>>();
  const add = (checker: string, text: string): void => {
    for (const [, id] of text.matchAll(/'([a-z]+\.[a-z0-9-]+)'/g)) {
      if (IDS.has(id!)) cited.set(checker, new Set([...(cited.get(checker) ?? []), id!]));
    }
  };
  const checkDir = path.join(ROOT, 'src/check');
  for (const file of readdirSync(checkDir)) {
    const text = readFileSync(path.join(checkDir, file), 'utf8');
    const name = /export const [A-Z_]+ = '([a-z-]+)';/.exec(text)?.[1];
    if (name !== undefined && (CHECKER_NAMES as readonly string[]).includes(name)) add(name, text);
  }
  // The differential oracle compares two runs, so it is no checker of one history, but it cites rules all the same.
  add('differential', readFileSync(path.join(ROOT, 'src/check/differential.ts'), 'utf8'));
  return cited;
}

function sourceFiles(dir: string): string[] {
  return readdirSync(dir, { withFileTypes: true }).flatMap((entry) =>
    entry.isDirectory()
      ? sourceFiles(path.join(dir, entry.name))
      : entry.name.endsWith('.ts')
        ? [path.join(dir, entry.name)]
        : [],
  );
}

describe('the rule registry and docs/semantics.md', () => {
  test('every rule has its heading, title, anchor, Source and Checked-by lines, in order; every rule heading has its rule', () => {
    expect(docIssues(DOC, RULES)).toEqual([]);
  });

  test('rule ids are unique, kebab-case with an area prefix, and anchors are GitHub’s', () => {
    expect(IDS.size).toBe(RULES.length);
    for (const rule of RULES) {
      expect(rule.id).toMatch(AREA_ID);
      expect(rule.id.startsWith(`${rule.area}.`)).toBe(true);
    }
    expect(RULES.find((rule) => rule.id === 'push.order')!.anchor).toBe(
      'pushorder--one-operation-at-a-time-oldest-first',
    );
    expect(RULES.find((rule) => rule.id === 'pull.tie-skip')!.anchor).toBe(
      'pulltie-skip--inside-a-tie-group-the-bound-stays-and-skip-grows',
    );
  });

  test('what each Source line cites exists in azure-mobile-apps-client 2.0.1', () => {
    expect(JSON.parse(readFileSync(path.join(SDK, 'package.json'), 'utf8')).version).toBe('2.0.1');
    expect(sections(DOC).flatMap((section) => sourceIssues(section, SDK))).toEqual([]);
  });

  test('every link to a heading resolves, here and from sdk-findings.md', () => {
    const targets = {
      '': anchorsOf(DOC),
      'sdk-findings.md': anchorsOf(FINDINGS),
      'concepts/reference-client.md': anchorsOf(REFERENCE_CLIENT),
      'semantics.md': anchorsOf(DOC),
    };
    expect(brokenLinks(DOC, RULES_DOC, targets)).toEqual([]);
    expect(
      brokenLinks(FINDINGS, 'docs/sdk-findings.md', targets).filter((issue) => issue.includes('semantics.md')),
    ).toEqual([]);
  });

  test('every rule id the page mentions, and every [rule …] in the sources, is a rule of the registry', () => {
    const mentioned = [...DOC.matchAll(/`([^`\s]+)`/g)]
      .map((match) => match[1]!)
      .filter((token) => AREA_ID.test(token));
    expect(mentioned.filter((id) => !IDS.has(id))).toEqual([]);
    const inSources = sourceFiles(path.join(ROOT, 'src')).flatMap((file) =>
      [...readFileSync(file, 'utf8').matchAll(/\[rule ([a-z]+\.[a-z0-9-]+)\]/g)].map(
        (match) => `${path.relative(ROOT, file)}: ${match[1]}`,
      ),
    );
    expect(inSources.length).toBeGreaterThan(0);
    expect(inSources.filter((entry) => !IDS.has(entry.split(': ')[1]!))).toEqual([]);
  });

  test('each "Checked by" line names exactly the checkers whose sources cite the rule', () => {
    const cited = citations();
    // `intent` judges the rules a scenario declares for its own app (`intent.*`), none of the page's;
    // `differential` is no checker of one history but cites the page's rules it compares.
    expect([...cited.keys()].sort()).toEqual(
      [...CHECKER_NAMES.filter((name) => name !== 'intent'), 'differential'].sort(),
    );
    const mismatches: string[] = [];
    for (const section of sections(DOC)) {
      const line = paragraph(section, 'Checked by') ?? '';
      const named = [...line.matchAll(/`([a-z-]+)`/g)].map((match) => match[1]!).sort();
      const citing = [...cited]
        .filter(([, ids]) => ids.has(section.id))
        .map(([checker]) => checker)
        .sort();
      if (named.length === 0 && !/none yet/.test(line))
        mismatches.push(`${section.id}: "${line}" names no checker and does not say "none yet"`);
      if (named.join() !== citing.join())
        mismatches.push(`${section.id}: the page names [${named.join(', ')}], the sources [${citing.join(', ')}]`);
    }
    expect(mismatches).toEqual([]);
  });

  test('every violation a checker builds names its rule (a `rule:` beside each `message:`)', () => {
    // The two messages that break no rule of the client: a history the checker cannot judge, a checker that crashed.
    const exempt = ['The history has no snapshot', 'checker crashed'];
    const missing: string[] = [];
    const checkDir = path.join(ROOT, 'src/check');
    // types.ts declares the field; verdict.ts appends the citation to messages that already have a rule.
    // Files that carry violations others built (types, the verdict, judging by signature), not checkers.
    // dropped-writes.ts lists drops a handler chose, with a message each: they are no violations.
    const builders = new Set(['types.ts', 'verdict.ts', 'judge.ts', 'signature.ts', 'dropped-writes.ts']);
    for (const file of readdirSync(checkDir).filter((name) => name.endsWith('.ts') && !builders.has(name))) {
      const lines = readFileSync(path.join(checkDir, file), 'utf8').split('\n');
      lines.forEach((line, i) => {
        if (!/\bmessage[,:]/.test(line) || /^\s*(\/\/|\*|readonly)/.test(line)) return;
        if (exempt.some((text) => lines.slice(Math.max(0, i - 3), i + 1).some((near) => near.includes(text)))) return;
        // The object literal around the message: its `rule` (and `at`) may sit a few lines away.
        const around = lines.slice(Math.max(0, i - 6), i + 4).join('\n');
        if (!/\brule[,:]/.test(around)) missing.push(`src/check/${file}:${i + 1}: ${line.trim().slice(0, 80)}`);
      });
    }
    expect(missing).toEqual([]);
  });
});

describe('the checks catch a page that drifted from the registry', () => {
  const rule = (id: RuleId): Rule => RULES.find((candidate) => candidate.id === id)!;
  const heading = (id: RuleId): string => `### \`${id}\` — ${rule(id).title}`;

  test('a planted heading whose id the registry lacks', () => {
    const planted = `${DOC}\n### \`pull.mark-stale\` — A rule nobody registered\n\nIt says nothing.\n\nSource: \`sdk/src/sync/pull.js\` — \`pull\`.\n\nChecked by: none yet.\n`;
    expect(docIssues(planted, RULES)).toEqual([
      expect.stringMatching(/heading `pull\.mark-stale`: expected a rule of src\/check\/rules\.ts, found none$/),
    ]);
  });

  test('a rule whose heading is gone, or renamed', () => {
    expect(docIssues(DOC.replace(`${heading('pull.complete')}\n`, ''), RULES)).toEqual([
      `${RULES_DOC}: rule pull.complete: expected a heading \`pull.complete\` — ${rule('pull.complete').title}, found none`,
    ]);
    const renamed = DOC.replace(heading('purge.atomic'), '### `purge.atomic` — A purge happens at once');
    expect(docIssues(renamed, RULES)).toEqual([
      expect.stringMatching(
        /rule purge\.atomic: expected the title "A purge is one transaction", found "A purge happens at once"$/,
      ),
      expect.stringMatching(/rule purge\.atomic: expected anchor purgeatomic--a-purge-is-one-transaction, found /),
    ]);
  });

  test('a rule without its Source line', () => {
    const section = sections(DOC).find((candidate) => candidate.id === 'purge.no-log')!;
    const source = section.body.find((line) => line.startsWith('Source:'))!;
    expect(docIssues(DOC.replace(source, 'It comes from somewhere.'), RULES)).toEqual([
      expect.stringMatching(/rule purge\.no-log: expected a "Source:" line, found none$/),
    ]);
  });

  test('a Source line that cites a file or a function the SDK does not have', () => {
    const [section] = sections(
      '### `purge.no-log` — x\n\nSource: `sdk/src/sync/purge.js` — `purgeEverything`; `sdk/src/sync/sweep.js` — `sweep`.\n',
    );
    expect(sourceIssues(section!, SDK)).toEqual([
      expect.stringMatching(/expected `purgeEverything` in sdk\/src\/sync\/purge\.js, found none$/),
      expect.stringMatching(/expected sdk\/src\/sync\/sweep\.js in the SDK package, found none$/),
      expect.stringMatching(/expected a file before `sweep`, found none$/),
    ]);
  });

  test('rules out of the registry’s order', () => {
    const first = sections(DOC).find((section) => section.id === 'purge.no-log')!;
    const second = sections(DOC).find((section) => section.id === 'purge.pending-refused')!;
    const text = (section: Section): string => [`### ${section.heading}`, ...section.body].join('\n');
    const swapped = DOC.replace(text(first), '@@FIRST@@')
      .replace(text(second), text(first))
      .replace('@@FIRST@@', text(second));
    expect(docIssues(swapped, RULES)).toEqual([expect.stringMatching(/expected the rules in the registry's order/)]);
  });

  test('a broken link to a finding', () => {
    expect(
      brokenLinks('see [finding 99](sdk-findings.md#99-no-such-finding)', 'x.md', {
        'sdk-findings.md': anchorsOf(FINDINGS),
      }),
    ).toEqual(['x.md: link to sdk-findings.md#99-no-such-finding: expected a heading there, found none']);
  });
});
