// Runs named stages one after another, prints how long each took, and exits with the first
// failure's code. Used by `npm run check` (every stage runs, so one run shows every problem)
// and `npm test` (stops at the first failing stage).
import { spawnSync } from 'node:child_process';

/**
 * @param {string} title
 * @param {{ name: string, command: string }[]} stages
 * @param {{ keepGoing?: boolean }} [options]
 */
export function runStages(title, stages, options = {}) {
  const times = [];
  let failed;
  for (const stage of stages) {
    console.log(`\n▶ ${title} · ${stage.name}: ${stage.command}`);
    const started = performance.now();
    const result = spawnSync(stage.command, { shell: true, stdio: 'inherit' });
    const seconds = (performance.now() - started) / 1000;
    const code = result.status ?? 1;
    times.push({ name: stage.name, seconds, code });
    if (code !== 0) {
      failed ??= { name: stage.name, code };
      if (!options.keepGoing) break;
    }
  }
  console.log(`\n${title} — time per stage:`);
  for (const { name, seconds, code } of times) {
    console.log(
      `  ${name.padEnd(12)} ${seconds.toFixed(1).padStart(7)} s  ${code === 0 ? 'ok' : `FAILED (exit ${code})`}`,
    );
  }
  const total = times.reduce((sum, stage) => sum + stage.seconds, 0);
  console.log(`  ${'total'.padEnd(12)} ${total.toFixed(1).padStart(7)} s`);
  if (failed !== undefined) {
    console.error(`${title}: stage ${failed.name} failed (exit ${failed.code})`);
    process.exit(failed.code);
  }
}
