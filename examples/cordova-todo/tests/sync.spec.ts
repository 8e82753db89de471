/**
 * The todo app's offline sync, in Chromium, against syncwright's simulated backend: each test
 * drives the app through its screen, makes the network or the server misbehave, and lets the
 * oracles judge the whole history (the app's SDK calls, every request as the server saw it, the
 * committed stores). `expectChecks()` runs every checker after the app has settled.
 */
import { test, expect, TIMELINE_ATTACHMENT } from 'syncwright/playwright';
import { cordovaApp, PULL_WITHOUT_PUSH, todo } from './todo-app.js';

test.use({ cordovaApp });

test('edits made offline reach the server once the device is back online', async ({
  app,
  network,
  server,
  expectChecks,
}) => {
  const screen = todo(app);
  await screen.idle();
  await network.offline('client-1');
  await screen.add('buy milk');
  await screen.add('call mum');
  await screen.complete('buy milk');
  await screen.refresh();
  await expect(screen.status()).toHaveAttribute('data-state', 'error');
  expect(server.rows('todoitem')).toEqual([]);
  await network.online('client-1');
  await screen.refresh();
  await expect(screen.status()).toHaveText('Up to date');
  const rows = server.rows('todoitem');
  expect(rows.map((row) => [row['text'], row['complete']]).sort()).toEqual([
    ['buy milk', true],
    ['call mum', false],
  ]);
  await expectChecks();
});

test("the tutorial's offline trick: opened with an unreachable URL, the app keeps its queue until opened normally", async ({
  app,
  restartApp,
  server,
  history,
  expectChecks,
}) => {
  const screen = todo(app);
  await screen.idle();
  await restartApp({ query: '?offline' });
  await screen.idle();
  await screen.add('water the plants');
  await screen.refresh();
  await expect(screen.status()).toHaveAttribute('data-state', 'error');
  expect(server.rows('todoitem')).toEqual([]);
  // Nothing of the "-fail" build ever reached the backend: its requests failed on the device.
  const offlineLaunch = history().findIndex((event) => event.kind === 'restart');
  const after = history().slice(offlineLaunch);
  expect(after.some((event) => event.kind === 'http-request')).toBe(true);
  expect(after.some((event) => event.kind === 'http-response')).toBe(false);
  expect(after.filter((event) => event.kind === 'http-failure').every((event) => !event.applied)).toBe(true);
  await restartApp({ query: '' });
  await screen.idle();
  expect(server.rows('todoitem').map((row) => row['text'])).toEqual(['water the plants']);
  await expectChecks();
});

test("a server edit conflicting with a local one: the push handler keeps the server's version", async ({
  app,
  server,
  history,
  expectChecks,
}) => {
  const screen = todo(app);
  await screen.idle();
  await screen.add('draft');
  await screen.refresh();
  const [row] = server.rows('todoitem');
  server.update('todoitem', String(row!['id']), { text: 'edited on the web' });
  await screen.rename('draft', 'edited on the phone');
  await screen.refresh();
  await expect(screen.item('edited on the web')).toHaveCount(1);
  expect(server.rows('todoitem').map((r) => r['text'])).toEqual(['edited on the web']);
  const decisions = history().flatMap((event) => (event.kind === 'handler-decision' ? [event.decision] : []));
  expect(decisions).toEqual(['cancelAndDiscard']);
  await expectChecks();
});

test('a lost response during push: the insert was applied, the retry conflicts and the app settles', async ({
  app,
  network,
  server,
  history,
  expectChecks,
}) => {
  const screen = todo(app);
  await screen.idle();
  await screen.add('pay rent');
  await network.loseNextResponse({ method: 'POST', path: '/tables/todoitem' });
  await screen.refresh();
  await expect(screen.status()).toHaveAttribute('data-state', 'error');
  // The server has it; the app does not know.
  expect(server.rows('todoitem').map((row) => row['text'])).toEqual(['pay rent']);
  expect(history().some((event) => event.kind === 'fault' && event.fault === 'intercept-lose')).toBe(true);
  await screen.refresh();
  await expect(screen.status()).toHaveText('Up to date');
  expect(server.rows('todoitem')).toHaveLength(1);
  await expectChecks();
});

test('a restart mid-push: the app is killed while its update is on the wire and reopens from its store', async ({
  app,
  network,
  server,
  restartApp,
  history,
  expectChecks,
}) => {
  const screen = todo(app);
  await screen.idle();
  await screen.add('book flights');
  await screen.refresh();
  await screen.rename('book flights', 'book flights and hotel');
  const held = await network.holdNextResponse({ method: 'PATCH', path: '/tables/todoitem/*' });
  await app.getByRole('button', { name: 'Refresh' }).click();
  await held.held();
  await restartApp();
  held.release();
  await screen.idle();
  expect(history().some((event) => event.kind === 'restart' && event.midOperation)).toBe(true);
  expect(server.rows('todoitem').map((row) => row['text'])).toEqual(['book flights and hotel']);
  await expect(screen.item('book flights and hotel')).toHaveCount(1);
  await expectChecks();
});

test('two devices edit the same items', async ({ app, openDevice, server, expectChecks }) => {
  const phone = todo(app);
  await phone.idle();
  await phone.add('groceries');
  await phone.add('laundry');
  await phone.refresh();
  const tablet = todo((await openDevice('client-2')).page);
  await tablet.idle();
  expect(await tablet.texts()).toEqual(['groceries', 'laundry']);
  await phone.rename('groceries', 'groceries (phone)');
  await tablet.rename('groceries', 'groceries (tablet)');
  await tablet.complete('laundry');
  await phone.remove('laundry');
  await phone.refresh();
  await tablet.refresh();
  await phone.refresh();
  expect(await phone.texts()).toEqual(await tablet.texts());
  expect(server.rows('todoitem').filter((row) => row['deleted'] !== true)).toHaveLength(1);
  await expectChecks();
});

test.describe('a planted app bug', () => {
  test.use({ cordovaApp: { ...cordovaApp, replace: { 'js/index.js': PULL_WITHOUT_PUSH } } });

  test('an app that pulls without pushing is caught, with the timeline attached', async ({
    app,
    server,
    expectChecks,
  }, testInfo) => {
    const screen = todo(app);
    await screen.idle();
    await screen.add('never leaves the phone');
    await screen.refresh();
    await expect(screen.status()).toHaveText('Up to date');
    expect(server.rows('todoitem')).toEqual([]);
    await expect(expectChecks()).rejects.toThrow('convergence/convergence.queue-drains/insert/queued');
    const attachment = testInfo.attachments.find((entry) => entry.name === TIMELINE_ATTACHMENT);
    expect(attachment?.contentType).toBe('text/html');
    expect(String(attachment?.body)).toContain('convergence.queue-drains');
  });
});
