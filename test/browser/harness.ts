/**
 * Real-browser test harness: the project's Vite server on 127.0.0.1 (COOP/COEP headers on) and
 * Debian's Chromium driven by playwright-core. Every request the page makes is logged, so tests
 * can assert that nothing left 127.0.0.1.
 */
import { existsSync } from 'node:fs';
import { type Browser, type BrowserContext, chromium, type LaunchOptions, type Page } from 'playwright-core';
import { createServer, type ViteDevServer } from 'vite';
import { afterAll, beforeAll } from 'vitest';

/** Chromium from Debian's package; never a browser downloaded by a test tool. */
export const CHROMIUM_PATH = process.env.CHROMIUM_PATH ?? '/usr/bin/chromium';

/** Whether the browser tests can run on this machine. */
export const hasChromium = existsSync(CHROMIUM_PATH);

// No --enable-features/--disable-features: they would replace Playwright's own lists.
const QUIET_ARGS = [
  '--disable-background-networking',
  '--disable-component-update',
  '--disable-sync',
  '--disable-quic',
  '--no-first-run',
  '--disable-default-apps',
];

export interface LaunchBrowserOptions {
  /** Expose WebGPU (SwiftShader here: correct but slow, no `shader-f16`). */
  webgpu?: boolean;
  extraArgs?: string[];
}

export function launchBrowser(options: LaunchBrowserOptions = {}): Promise<Browser> {
  const args = [...QUIET_ARGS, ...(options.extraArgs ?? [])];
  if (options.webgpu) args.push('--enable-unsafe-webgpu', '--enable-unsafe-swiftshader');
  const launchOptions: LaunchOptions = { executablePath: CHROMIUM_PATH, headless: true, args };
  return chromium.launch(launchOptions);
}

/**
 * A browser profile kept in `userDataDir`: closing it and launching again with the same folder
 * is a browser restart (IndexedDB and caches persist).
 */
export function launchPersistent(userDataDir: string, options: LaunchBrowserOptions = {}): Promise<BrowserContext> {
  const args = [...QUIET_ARGS, ...(options.extraArgs ?? [])];
  if (options.webgpu) args.push('--enable-unsafe-webgpu', '--enable-unsafe-swiftshader');
  return chromium.launchPersistentContext(userDataDir, { executablePath: CHROMIUM_PATH, headless: true, args });
}

export interface TestServer {
  origin: string;
  server: ViteDevServer;
  close(): Promise<void>;
}

export interface StartServerOptions {
  /** Send COOP/COEP (cross-origin isolation). Default true. */
  isolated?: boolean;
  /** Extra response headers (for example a Content-Security-Policy). */
  headers?: Record<string, string>;
}

/** Starts the project's Vite dev server on 127.0.0.1 with a free port. */
export async function startServer(options: StartServerOptions = {}): Promise<TestServer> {
  const isolated = options.isolated ?? true;
  const headers: Record<string, string> = {
    ...(isolated
      ? { 'Cross-Origin-Opener-Policy': 'same-origin', 'Cross-Origin-Embedder-Policy': 'require-corp' }
      : {}),
    ...options.headers,
  };
  const server = await createServer({
    configFile: new URL('../../vite.config.ts', import.meta.url).pathname,
    logLevel: 'warn',
    server: { host: '127.0.0.1', port: 0, strictPort: false, headers, hmr: false },
  });
  if (!isolated) {
    // vite.config.ts sets isolation headers for the demo; a non-isolated test removes them.
    server.middlewares.use((_req, res, next) => {
      res.removeHeader('Cross-Origin-Opener-Policy');
      res.removeHeader('Cross-Origin-Embedder-Policy');
      next();
    });
  }
  await server.listen();
  const address = server.httpServer?.address();
  if (!address || typeof address === 'string') throw new Error('test server has no address');
  const origin = `http://127.0.0.1:${address.port}`;
  return { origin, server, close: () => server.close() };
}

export interface LoggedPage {
  page: Page;
  context: BrowserContext;
  /** Every URL the page (and its workers) requested. */
  requests: string[];
  /** Console messages and page errors, for failure messages. */
  logs: string[];
  /** Requests whose host is not 127.0.0.1 (data:/blob: URLs excluded). */
  offHostRequests(): string[];
}

/** Opens a page that records every request, including those of its workers. */
export async function openLoggedPage(browser: Browser): Promise<LoggedPage> {
  const context = await browser.newContext();
  const page = await context.newPage();
  const requests: string[] = [];
  const logs: string[] = [];
  context.on('request', (request) => requests.push(request.url()));
  page.on('console', (message) => logs.push(`[${message.type()}] ${message.text()}`));
  page.on('pageerror', (error) => logs.push(`[pageerror] ${error.message}`));
  const offHostRequests = () =>
    requests.filter((url) => {
      if (url.startsWith('data:') || url.startsWith('blob:')) return false;
      return new URL(url).hostname !== '127.0.0.1';
    });
  return { page, context, requests, logs, offHostRequests };
}

/** A suite's server and browser, started before its tests and closed after them. */
export interface BrowserSuite {
  readonly server: TestServer;
  readonly browser: Browser;
}

/**
 * Starts the test server and Chromium once for the calling `describe` block.
 *
 * @example
 * const suite = useBrowserSuite({ webgpu: true })
 * it('…', async () => { const { page } = await openLoggedPage(suite.browser); await page.goto(suite.server.origin) })
 */
export function useBrowserSuite(options: LaunchBrowserOptions & { server?: StartServerOptions } = {}): BrowserSuite {
  const suite = {} as { server: TestServer; browser: Browser };
  beforeAll(async () => {
    suite.server = await startServer(options.server);
    suite.browser = await launchBrowser(options);
  });
  afterAll(async () => {
    await suite.browser?.close();
    await suite.server?.close();
  });
  return suite;
}
