// Runs before `npm test`: the browser tests need Debian's Chromium at /usr/bin/chromium, and the
// real-site test reads Debian's python3.11-doc. On a fresh Debian machine where we are root,
// install what is missing; elsewhere say how (a missing python3.11-doc only skips that test).
import { execFileSync } from 'node:child_process';
import { existsSync } from 'node:fs';

const path = process.env.CHROMIUM_PATH ?? '/usr/bin/chromium';
const hasPythonDocs = existsSync('/usr/share/doc/python3.11/html/faq');
const isRoot = typeof process.getuid === 'function' && process.getuid() === 0;
const canInstall = isRoot && existsSync('/usr/bin/apt-get');
if ((!existsSync(path) || !hasPythonDocs) && canInstall) {
  console.error('inpage-rag: installing Debian chromium and python3.11-doc for the browser tests…');
  const env = { ...process.env, DEBIAN_FRONTEND: 'noninteractive' };
  execFileSync('apt-get', ['update', '-qq'], { stdio: 'inherit', env });
  execFileSync('apt-get', ['install', '-y', '-qq', 'chromium', 'fonts-wqy-microhei', 'python3.11-doc'], { stdio: 'inherit', env });
}
if (!existsSync(path)) {
  console.error(`inpage-rag: the browser tests need Chromium at ${path}. Install it (Debian: sudo apt-get install chromium) or set CHROMIUM_PATH.`);
  process.exit(1);
}
