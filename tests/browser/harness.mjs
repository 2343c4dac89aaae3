// What the browser tests share: a real `khaacho serve` with its pipeline
// against a scratch database of the PostgreSQL that scripts/test.sh runs,
// tokens minted by the binary, headless chromium, and polling with a deadline.
//
//   KHAACHO_TEST_PG_ADMIN_URL  set by scripts/test.sh (required)
//   KHAACHO_BINARY             the khaacho binary (default build/khaacho)
//   KHAACHO_CHROMIUM           the browser (default /usr/bin/chromium)
import { spawn, execFileSync } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { chromium } from 'playwright-core';

export const sleep = (ms) => new Promise((r) => setTimeout(r, ms));

export function freePort() {
  return new Promise((resolve, reject) => {
    const s = createServer();
    s.listen(0, '127.0.0.1', () => {
      const { port } = s.address();
      s.close(() => resolve(port));
    });
    s.on('error', reject);
  });
}

/// Polls `check` every 100 ms until it returns something truthy.
export async function waitFor(what, check, timeoutMs = 60000) {
  const until = Date.now() + timeoutMs;
  let last;
  for (;;) {
    try {
      last = await check();
      if (last) return last;
    } catch (e) {
      last = e;
    }
    if (Date.now() > until) throw new Error('timed out waiting for ' + what + ': ' + last);
    await sleep(100);
  }
}

/// The khaacho binary with its own database and storage folder. `start`
/// migrates and serves with `flags` added; `stop` ends it and drops the
/// database. `run(args)` runs another subcommand (token, import-catalog)
/// against the same database and secret.
export class KhaachoServer {
  constructor() {
    this.adminUrl = process.env.KHAACHO_TEST_PG_ADMIN_URL;
    if (!this.adminUrl) throw new Error('KHAACHO_TEST_PG_ADMIN_URL is not set: run through scripts/test.sh');
    this.binary = process.env.KHAACHO_BINARY || 'build/khaacho';
    this.dbName = 'khaacho_browser_' + randomBytes(6).toString('hex');
    this.storage = mkdtempSync(join(tmpdir(), 'khaacho-browser-'));
    this.log = '';
    this.proc = null;
    this.dbCreated = false;
  }

  psql(sql) {
    execFileSync('psql', [this.adminUrl, '-v', 'ON_ERROR_STOP=1', '-qAtc', sql], { stdio: 'pipe' });
  }

  async start(flags = []) {
    this.psql(`CREATE DATABASE ${this.dbName}`);
    this.dbCreated = true;
    const dbUrl = this.adminUrl.replace(/\/[^/?]*(\?|$)/, `/${this.dbName}$1`);
    this.port = await freePort();
    this.base = `http://127.0.0.1:${this.port}`;
    this.env = { ...process.env, DATABASE_URL: dbUrl, JWT_SECRET: randomBytes(32).toString('hex'),
      KHAACHO_STORAGE_ROOT: this.storage, LOG_LEVEL: 'warn' };
    this.run(['migrate']);
    this.proc = spawn(this.binary, ['serve', '--http.host=127.0.0.1', `--http.port=${this.port}`,
      '--pipeline.enabled=true', '--pipeline.claim-interval=200ms', ...flags], { env: this.env });
    this.proc.stdout.on('data', (d) => { this.log += d; });
    this.proc.stderr.on('data', (d) => { this.log += d; });
    await waitFor('the server to be ready', async () => (await fetch(this.base + '/readyz')).ok);
  }

  run(args) {
    return execFileSync(this.binary, args, { env: this.env, stdio: 'pipe' }).toString();
  }

  token(role, extra = []) {
    return this.run(['token', '--role', role, '--subject', 'browser-' + role, ...extra]).trim();
  }

  async stop() {
    if (this.proc && this.proc.exitCode === null) {
      this.proc.kill('SIGTERM');
      await new Promise((r) => { this.proc.on('exit', r); setTimeout(r, 10000); });
    }
    if (this.dbCreated) {
      try {
        this.psql(`DROP DATABASE IF EXISTS ${this.dbName} WITH (FORCE)`);
      } catch (e) {
        console.error('could not drop ' + this.dbName + ': ' + e);
      }
    }
    rmSync(this.storage, { recursive: true, force: true });
  }
}

/// Debian's chromium, headless.
export function launchBrowser() {
  return chromium.launch({
    executablePath: process.env.KHAACHO_CHROMIUM || '/usr/bin/chromium',
    args: ['--no-sandbox', '--disable-dev-shm-usage'],
  });
}

/// Runs `body(server)` and exits 0, or prints the error and the server's last
/// output and exits 1; the server and its database go in every case.
export async function runBrowserTest(name, body) {
  const server = new KhaachoServer();
  let status = 0;
  try {
    await body(server);
    console.log(name + ': ok');
  } catch (e) {
    status = 1;
    console.error(e);
    console.error('--- server output ---\n' + server.log.slice(-4000));
  } finally {
    await server.stop();
  }
  process.exit(status);
}
