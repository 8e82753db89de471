// Browser tests run on Debian's Chromium. This makes `npm test` work on a fresh machine:
// it installs the package when it can (root with apt-get) and otherwise says exactly what to run.
import { existsSync } from 'node:fs';
import { spawnSync } from 'node:child_process';

const binary = process.env.CHROMIUM_PATH || '/usr/bin/chromium';
const installCommand = 'apt-get update && apt-get install -y chromium';

if (existsSync(binary)) process.exit(0);

const isRoot = typeof process.getuid === 'function' && process.getuid() === 0;
const hasAptGet = spawnSync('sh', ['-c', 'command -v apt-get'], { stdio: 'ignore' }).status === 0;

if (!isRoot || !hasAptGet) {
  console.error(`Chromium is missing at ${binary}. Install it with:\n  sudo sh -c '${installCommand}'`);
  process.exit(1);
}

console.log(`Chromium is missing at ${binary}; installing Debian's package (${installCommand})`);
for (const args of [['update'], ['install', '-y', 'chromium']]) {
  const result = spawnSync('apt-get', args, {
    stdio: 'inherit',
    env: { ...process.env, DEBIAN_FRONTEND: 'noninteractive' },
  });
  if (result.status !== 0) {
    console.error(`\`apt-get ${args.join(' ')}\` failed. Install Chromium with:\n  ${installCommand}`);
    process.exit(1);
  }
}
if (!existsSync(binary)) {
  console.error(`Chromium was installed but ${binary} does not exist; set CHROMIUM_PATH to its binary.`);
  process.exit(1);
}
