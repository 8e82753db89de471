/**
 * The modules every SDK instance of a realm shares (loader.ts, sandbox.ts): the list is checked
 * against the files' sources, and the loader against what sharing must and must not do.
 */
import { describe, expect, test } from 'vitest';
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { tmpdir } from 'node:os';
import path from 'node:path';
import * as espree from 'espree';
import * as eslintScope from 'eslint-scope';
import { SandboxLoader } from '../../src/sdk/loader.js';
import { PAGE_GLOBALS, SdkRealm } from '../../src/sdk/realm.js';
import { SHARED_MODULES } from '../../src/sdk/sandbox.js';

interface SourceFacts {
  /** Names the module reads from outside itself (the wrapper's parameters and the realm's globals). */
  readonly free: ReadonlySet<string>;
  /** The ids of its `require('…')` calls. */
  readonly requires: readonly string[];
}

function factsOf(file: string): SourceFacts {
  const source = readFileSync(file, 'utf8').replace(/^\uFEFF/, '');
  const ast = espree.parse(source, { ecmaVersion: 2020, sourceType: 'script', range: true });
  // espree's tree is acorn's type; eslint-scope takes estree's, which describes the same tree.
  const scopes = eslintScope.analyze(ast as unknown as Parameters<typeof eslintScope.analyze>[0], {
    ecmaVersion: 2020,
    sourceType: 'script',
  });
  const free = new Set(scopes.globalScope!.through.map((reference) => reference.identifier.name));
  const requires: string[] = [];
  const visit = (node: unknown): void => {
    if (typeof node !== 'object' || node === null) return;
    if (Array.isArray(node)) {
      for (const item of node) visit(item);
      return;
    }
    const candidate = node as { type?: string; callee?: { type: string; name?: string }; arguments?: unknown[] };
    if (
      candidate.type === 'CallExpression' &&
      candidate.callee?.type === 'Identifier' &&
      candidate.callee.name === 'require'
    ) {
      const [argument] = candidate.arguments ?? [];
      const literal = argument as { type?: string; value?: unknown };
      // A computed require could reach anything: the list must not hold such a module.
      requires.push(literal?.type === 'Literal' && typeof literal.value === 'string' ? literal.value : '<computed>');
    }
    for (const [key, value] of Object.entries(node)) if (key !== 'parent') visit(value);
  };
  visit(ast);
  return { free, requires };
}

const short = (file: string): string => file.replace(/.*node_modules[\\/]/, '');

describe('the list of shared modules', () => {
  test('names the parser and the expression-tree classes', () => {
    expect([...SHARED_MODULES].map(short).sort()).toEqual(
      [
        'azure-odata-sql/src/ExpressionVisitor.js',
        'azure-odata-sql/src/booleanize.js',
        'azure-odata-sql/src/expressions.js',
        'azure-odata-sql/src/utilities/types.js',
        'azure-query-js/lib/JavaScriptNodes.js',
        'azure-query-js/lib/Node.js',
        'azure-query-js/lib/QueryNodes.js',
        'azure-query-js/lib/Utilities.js',
        'esprima/esprima.js',
      ].map((name) => name.split('/').join(path.sep)),
    );
  });

  test.each([...SHARED_MODULES].map((file) => [short(file), file]))(
    '%s reads no page global, has no eval and requires only shared modules',
    (_name, file) => {
      const { free, requires } = factsOf(file);
      expect(PAGE_GLOBALS.filter((name) => free.has(name))).toEqual([]);
      expect(free.has('eval')).toBe(false);
      for (const id of requires) {
        expect(id).not.toBe('<computed>');
        expect(SHARED_MODULES.has(createRequire(file).resolve(id))).toBe(true);
      }
    },
  );

  test('the check sees what would rule a module out', () => {
    // The modules left off the list for a reason: a page's Date, its Math, an eval.
    const queryJs = path.dirname(createRequire(import.meta.url).resolve('azure-query-js'));
    const odataSql = path.dirname(createRequire(import.meta.url).resolve('azure-odata-sql'));
    expect(factsOf(path.join(queryJs, 'PartialEvaluator.js')).free.has('eval')).toBe(true);
    expect(factsOf(path.join(odataSql, 'helpers.js')).free.has('Date')).toBe(true);
    expect(factsOf(path.join(odataSql, 'format.js')).free.has('Math')).toBe(true);
  });
});

function fixture(files: Record<string, string>): string {
  const dir = mkdtempSync(path.join(tmpdir(), 'sdk-shared-'));
  for (const [name, text] of Object.entries(files)) writeFileSync(path.join(dir, name), text);
  return dir;
}

describe('a loader with shared modules', () => {
  const dir = fixture({
    'shared.js': "exports.made = {}; exports.page = typeof window; exports.helper = require('./helper.js');",
    'helper.js': 'module.exports = { count: 0 };',
    'own.js': "exports.shared = require('./shared.js'); exports.page = typeof window;",
    'greedy.js': "module.exports = require('./own.js');",
  });
  const file = (name: string): string => path.join(dir, name);
  const loader = (realm: SdkRealm, shared: readonly string[]): SandboxLoader =>
    new SandboxLoader({
      realm,
      scope: PAGE_GLOBALS.map((name) => `${name} of the page`),
      builtins: {},
      shared: new Set(shared),
    });

  test('evaluates a shared module once per realm; the rest once per loader', () => {
    const realm = new SdkRealm();
    const shared = [file('shared.js'), file('helper.js')];
    const a = loader(realm, shared).load(file('own.js')) as { shared: unknown; page: string };
    const b = loader(realm, shared).load(file('own.js')) as { shared: unknown; page: string };
    expect(a).not.toBe(b);
    expect(a.shared).toBe(b.shared);
    expect(a.page).toBe('string');
    // Another realm evaluates its own.
    const c = loader(new SdkRealm(), shared).load(file('own.js')) as { shared: unknown };
    expect(c.shared).not.toBe(a.shared);
  });

  test('a shared module sees no page', () => {
    const shared = loader(new SdkRealm(), [file('shared.js'), file('helper.js')]).load(file('shared.js')) as {
      page: string;
    };
    expect(shared.page).toBe('undefined');
  });

  test('a shared module that requires an unshared one is refused, and not kept half-made', () => {
    const realm = new SdkRealm();
    const sharedGreedy = loader(realm, [file('greedy.js')]);
    expect(() => sharedGreedy.load(file('greedy.js'))).toThrow(
      `${file('greedy.js')}: a module shared between instances requires ${file('own.js')}, which is not shared`,
    );
    expect(() => loader(realm, [file('greedy.js')]).load(file('greedy.js'))).toThrow(/which is not shared/);
  });
});
