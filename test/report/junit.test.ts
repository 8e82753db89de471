import { describe, expect, test } from 'vitest';
import { renderJUnit } from '../../src/report/junit.js';
import { failingResults, HOSTILE, hostileResults, passingResults } from './fixtures.js';

const INVALID_XML_CHAR =
  /[\u0000-\u0008\u000b\u000c\u000e-\u001f\ufffe\uffff]|[\ud800-\udbff](?![\udc00-\udfff])|(?<![\ud800-\udbff])[\udc00-\udfff]/;
const BARE_AMPERSAND = /&(?!(?:amp|lt|gt|quot|apos|#\d+|#x[0-9a-fA-F]+);)/;

/** A strict well-formedness check: balanced elements, quoted attributes, no stray `<` or `&`. */
function parseXml(xml: string): { name: string; attributes: Record<string, string> }[] {
  if (INVALID_XML_CHAR.test(xml)) throw new Error('character not allowed in XML 1.0');
  const body = xml.replace(/^<\?xml version="1\.0" encoding="UTF-8"\?>\n/, '');
  if (body === xml) throw new Error('missing XML declaration');
  const token = /<\/([A-Za-z_][\w.-]*)\s*>|<([A-Za-z_][\w.-]*)((?:\s+[A-Za-z_][\w.-]*="[^"<]*")*)\s*(\/?)>|([^<]+)/g;
  const stack: string[] = [];
  const elements: { name: string; attributes: Record<string, string> }[] = [];
  let roots = 0;
  let at = 0;
  for (let match = token.exec(body); match; match = token.exec(body)) {
    if (match.index !== at) throw new Error(`unexpected markup at ${at}: ${body.slice(at, at + 40)}`);
    at = token.lastIndex;
    const [, close, open, attrs = '', selfClosing, text] = match;
    if (text !== undefined) {
      if (stack.length === 0 && text.trim()) throw new Error('text outside the root');
      if (BARE_AMPERSAND.test(text)) throw new Error(`bare & in text: ${text.slice(0, 60)}`);
    } else if (close !== undefined) {
      if (stack.pop() !== close) throw new Error(`mismatched </${close}>`);
    } else if (open !== undefined) {
      if (stack.length === 0) roots++;
      const attributes: Record<string, string> = {};
      for (const [, name, value] of attrs.matchAll(/([A-Za-z_][\w.-]*)="([^"]*)"/g)) {
        if (name! in attributes) throw new Error(`duplicate attribute ${name}`);
        if (BARE_AMPERSAND.test(value!)) throw new Error(`bare & in attribute ${name}`);
        attributes[name!] = value!;
      }
      elements.push({ name: open, attributes });
      if (selfClosing !== '/') stack.push(open);
    }
  }
  if (at !== body.length) throw new Error(`trailing content: ${body.slice(at, at + 40)}`);
  if (stack.length || roots !== 1) throw new Error('unbalanced document');
  return elements;
}

function unescapeAttribute(value: string): string {
  return value.replace(/&(#\d+|amp|lt|gt|quot|apos);/g, (_, ref: string) =>
    ref.startsWith('#')
      ? String.fromCharCode(Number(ref.slice(1)))
      : ({ amp: '&', lt: '<', gt: '>', quot: '"', apos: "'" } as Record<string, string>)[ref]!,
  );
}

describe('renderJUnit', () => {
  test('is well-formed XML with one testcase per scenario', () => {
    const elements = parseXml(renderJUnit(failingResults()));
    expect(elements.filter((e) => e.name === 'testcase').map((e) => e.attributes['name'])).toEqual([
      'push then pull converges',
      'lost response then 412 conflict',
      'offline edits survive a restart',
      'sdk drops conflicting delete (known finding)',
      'scenario that does not load',
    ]);
  });

  test('the totals count failures, errors and expected failures (as skipped)', () => {
    const root = parseXml(renderJUnit(failingResults()))[0]!;
    expect(root.name).toBe('testsuites');
    expect(root.attributes).toMatchObject({ tests: '5', failures: '1', errors: '1', skipped: '1', time: '12.345' });
  });

  test("a failure's message holds the explanations and the replay command", () => {
    const results = failingResults();
    const failure = parseXml(renderJUnit(results)).find((e) => e.name === 'failure')!;
    const message = unescapeAttribute(failure.attributes['message']!);
    expect(failure.attributes['type']).toBe('convergence, cancel-and-discard');
    expect(message).toContain(`convergence: ${results.scenarios[1]!.failure!.checks[0]!.explanation}`);
    expect(message).toContain('cancel-and-discard: ');
    expect(message.split('\n').at(-1)).toBe(`Replay: ${results.scenarios[1]!.failure!.replayCommand}`);
  });

  test('the failure body adds violations, table differences and the replay command', () => {
    const xml = renderJUnit(failingResults());
    expect(xml).toContain("  - cancelAndDiscard at #19 did not remove client-1's local change (events #19, #31)");
    expect(xml).toContain('Table todoitem on client-1: expected 2 rows, found 2 rows.');
    expect(xml).toContain(
      'Replay:\n  npx syncwright replay scenarios/lost-response-conflict.scenario.ts --seed 1234567 --path 36:1:0:0</failure>',
    );
  });

  test('a run that never settled says so first', () => {
    const results = failingResults();
    const scenario = results.scenarios[1]!;
    const stuck = {
      ...scenario,
      failure: { ...scenario.failure!, checks: [], stopped: 'livelock: 10,000 scheduler steps without progress' },
    };
    const failure = parseXml(renderJUnit({ ...results, scenarios: [stuck] })).find((e) => e.name === 'failure')!;
    expect(unescapeAttribute(failure.attributes['message']!).split('\n')[0]).toBe(
      'The run never settled: livelock: 10,000 scheduler steps without progress',
    );
  });

  test('an error scenario is an <error> with its message', () => {
    const error = parseXml(renderJUnit(failingResults())).find((e) => e.name === 'error')!;
    expect(unescapeAttribute(error.attributes['message']!)).toBe(
      "SyntaxError: Unexpected token '}' in scenarios/broken.scenario.ts:12:3",
    );
  });

  test('an unexpected pass is a failure', () => {
    const results = passingResults();
    const xml = renderJUnit({ ...results, scenarios: [{ ...results.scenarios[0]!, status: 'unexpected-pass' }] });
    expect(parseXml(xml).find((e) => e.name === 'failure')?.attributes['type']).toBe('unexpected-pass');
  });

  test('hostile names, messages and control characters stay well-formed and escaped', () => {
    const xml = renderJUnit(hostileResults());
    const elements = parseXml(xml);
    expect(xml).not.toContain('<script');
    expect(xml).not.toContain('<img');
    expect(unescapeAttribute(elements.find((e) => e.name === 'testcase')!.attributes['name']!)).toBe(
      `${HOSTILE.script} conflict`,
    );
    expect(xml).toContain('bell\\x07 escape\\x1b[31mred\\x1b[0m nul\\x00 lone\\ud800surrogate');
  });

  test('a passing run has no failure elements', () => {
    const elements = parseXml(renderJUnit(passingResults()));
    expect(elements.some((e) => ['failure', 'error', 'skipped'].includes(e.name))).toBe(false);
  });
});
