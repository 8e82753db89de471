/**
 * Generated UI-level programs for the todo app: what a user does (add, rename, complete,
 * delete, refresh, go offline and online, reopen the app), as plain JSON, run through the page
 * against a fresh backend and judged by syncwright's oracles after the app settles.
 *
 * Items are named by position in the app's own list (sorted by text), and every text a program
 * writes is `item <step>`, unique in the program, so a program means the same thing at each run.
 */
import fc from 'fast-check';
import type { Browser } from '@playwright/test';
import { BrowserRun, renderBrowserRunReport, type CordovaAppConfig } from 'syncwright/playwright';
import type { HistoryEvent } from 'syncwright';
import { todo } from './todo-app.js';

export type UiAction =
  | { readonly type: 'add' }
  | { readonly type: 'rename'; readonly item: number }
  | { readonly type: 'complete'; readonly item: number }
  | { readonly type: 'delete'; readonly item: number }
  | { readonly type: 'refresh' }
  | { readonly type: 'offline' }
  | { readonly type: 'online' }
  | { readonly type: 'reload' };

export type UiProgram = readonly UiAction[];

const item = fc.nat({ max: 7 });

/** Programs of 1 to `maxLength` actions; adds and refreshes come up most, as they do in use. */
export function uiProgram(maxLength = 8): fc.Arbitrary<UiProgram> {
  return fc.array(
    fc.oneof(
      { weight: 4, arbitrary: fc.constant<UiAction>({ type: 'add' }) },
      { weight: 2, arbitrary: item.map<UiAction>((i) => ({ type: 'rename', item: i })) },
      { weight: 2, arbitrary: item.map<UiAction>((i) => ({ type: 'complete', item: i })) },
      { weight: 2, arbitrary: item.map<UiAction>((i) => ({ type: 'delete', item: i })) },
      { weight: 3, arbitrary: fc.constant<UiAction>({ type: 'refresh' }) },
      { weight: 1, arbitrary: fc.constant<UiAction>({ type: 'offline' }) },
      { weight: 1, arbitrary: fc.constant<UiAction>({ type: 'online' }) },
      { weight: 1, arbitrary: fc.constant<UiAction>({ type: 'reload' }) },
    ),
    { minLength: 1, maxLength },
  );
}

export interface UiVerdict {
  /** No signature the app does not allow. */
  readonly valid: boolean;
  /** The new findings' signatures, sorted, each once. */
  readonly signatures: readonly string[];
  /** The history's shape: kinds, operations, methods and paths, without ids, values or times. */
  readonly shape: readonly string[];
  /** The run's HTML report (timeline, checks, tables). */
  readonly report: string;
}

/** Runs one program on a fresh backend and a fresh device, then settles and judges. */
export async function runUiProgram(
  browser: Browser,
  config: CordovaAppConfig,
  program: UiProgram,
  name = 'generated UI program',
): Promise<UiVerdict> {
  const started = Date.now();
  const run = await BrowserRun.start(browser, config);
  try {
    const device = await run.device('client-1');
    const screen = todo(device.page);
    await screen.idle();
    for (const [step, action] of program.entries()) {
      const texts = await screen.texts();
      const pick = (i: number): string | undefined => (texts.length === 0 ? undefined : texts[i % texts.length]);
      switch (action.type) {
        case 'add':
          await screen.add(`item ${step}`);
          break;
        case 'rename': {
          const from = pick(action.item);
          if (from !== undefined) await screen.rename(from, `item ${step}`);
          break;
        }
        case 'complete': {
          const text = pick(action.item);
          if (text !== undefined) {
            const done = await device.page.getByLabel(`Done: ${text}`, { exact: true }).isChecked();
            await screen.complete(text, !done);
          }
          break;
        }
        case 'delete': {
          const text = pick(action.item);
          if (text !== undefined) await screen.remove(text);
          break;
        }
        case 'refresh':
          await screen.refresh();
          break;
        case 'offline':
          run.offline('client-1');
          break;
        case 'online':
          run.online('client-1');
          break;
        case 'reload':
          await device.restart();
          await screen.idle();
          break;
      }
    }
    await run.settle(async (settling) => todo(settling.page).refresh());
    const { results, judgement } = run.check(undefined, { allow: config.allow ?? [] });
    const fresh = judgement.violations.filter((violation) => violation.disposition === 'new');
    return {
      valid: fresh.length === 0,
      signatures: [...new Set(fresh.map((violation) => violation.signature))].sort(),
      shape: run.history.map(shapeOf),
      report: renderBrowserRunReport({
        name,
        file: 'examples/cordova-todo/tests/generated.spec.ts',
        history: run.history,
        checks: results,
        program: { actions: program as unknown as never },
        replayCommand: 'npx playwright test --project=cordova-todo generated.spec.ts',
        durationMs: Date.now() - started,
        startedAt: new Date(started).toISOString(),
      }),
    };
  } finally {
    await run.close();
  }
}

/** An event without what differs between two runs of one program: ids, versions, times. */
function shapeOf(event: HistoryEvent): string {
  switch (event.kind) {
    case 'invoke':
      return `${event.actor} invoke ${event.op.type}`;
    case 'http-request':
      return `${event.link} ${event.request.method} ${event.request.url.split('?')[0]!.replace(/\/[0-9a-f-]{36}$/, '/:id')}`;
    case 'http-response':
      return `${event.link} ${event.response.status}`;
    case 'http-failure':
      return `${event.link} ${event.failure}${event.applied ? ' applied' : ''}`;
    case 'handler-decision':
      return `${event.actor} ${event.decision}`;
    case 'snapshot':
      return `snapshot ${event.label}`;
    default:
      return `${event.actor} ${event.kind}`;
  }
}
