import { test, expect } from '@playwright/test';
import { renderJUnit } from '../../src/report/junit.js';
import { failingResults, HOSTILE, hostileResults } from '../report/fixtures.js';

// A real XML parser (the browser's) must accept the JUnit file, hostile data included.
test('junit.xml parses as XML in the browser, hostile names and messages intact', async ({ page }) => {
  const parse = (xml: string) =>
    page.evaluate((text) => {
      const doc = new DOMParser().parseFromString(text, 'application/xml');
      const error = doc.getElementsByTagName('parsererror')[0];
      return {
        error: error ? error.textContent : null,
        tests: doc.documentElement.getAttribute('tests'),
        names: Array.from(doc.getElementsByTagName('testcase')).map((c) => c.getAttribute('name')),
        failure: doc.getElementsByTagName('failure')[0]?.getAttribute('message') ?? null,
      };
    }, xml);

  const plain = await parse(renderJUnit(failingResults()));
  expect(plain.error).toBeNull();
  expect(plain.tests).toBe('5');
  expect(plain.failure).toContain('convergence: After the network healed');
  expect(plain.failure).toContain(
    '\nReplay: npx syncwright replay scenarios/lost-response-conflict.scenario.ts --seed 1234567 --path 36:1:0:0',
  );

  const hostile = await parse(renderJUnit(hostileResults()));
  expect(hostile.error).toBeNull();
  expect(hostile.names).toEqual([`${HOSTILE.script} conflict`, HOSTILE.javascriptUrl]);
  expect(hostile.failure).toContain(`npx syncwright replay '${HOSTILE.closeScript}'`);
});
