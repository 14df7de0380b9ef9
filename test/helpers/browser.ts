// What the end-to-end tests share: a current build of the web page, the real app listening on
// a random port, and Debian's Chromium driven by playwright-core (no browser download).

import { execFileSync } from 'node:child_process';
import { existsSync, mkdirSync, readdirSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { type Browser, chromium, type Locator, type Page } from 'playwright-core';
import { WEB_DIR } from '../../src/http/web-ui.js';
import { type Harness, startHarness } from './harness.js';

const ROOT = join(WEB_DIR, '..', '..');
const WEB_SOURCE = join(ROOT, 'web');
const SCREENSHOTS = join(ROOT, 'docs', 'screenshots');
export const CHROMIUM = process.env.CHROMIUM_PATH ?? '/usr/bin/chromium';

/**
 * Why the browser tests cannot run here, or undefined when they can. On CI a missing browser
 * is a failure (.ci/run installs it), not a reason to skip.
 */
export function browserSkipReason(): string | undefined {
  if (existsSync(CHROMIUM)) return undefined;
  const reason = `${CHROMIUM} is missing: install Debian's chromium package (apt-get install chromium) to run the browser tests`;
  if (process.env.CI === 'true') throw new Error(`${reason}; with CI=true that fails the run.`);
  return reason;
}

function newestMtime(path: string): number {
  const stat = statSync(path);
  if (!stat.isDirectory()) return stat.mtimeMs;
  return Math.max(stat.mtimeMs, ...readdirSync(path).map((name) => newestMtime(join(path, name))));
}

/**
 * Builds dist/web when it is missing or older than its source, so the tests never drive a
 * stale page, and a test run after `npm run build` costs nothing extra. Type errors are left
 * to `npm run typecheck`; this runs Vite alone (about 2 s).
 */
export function ensureWebBuild(): void {
  const index = join(WEB_DIR, 'index.html');
  if (existsSync(index) && statSync(index).mtimeMs >= newestMtime(WEB_SOURCE)) return;
  execFileSync(
    process.execPath,
    [join(ROOT, 'node_modules', 'vite', 'bin', 'vite.js'), 'build', 'web', '--logLevel', 'warn'],
    { cwd: ROOT, stdio: 'inherit' },
  );
}

export interface BrowserHarness {
  harness: Harness;
  browser: Browser;
  baseUrl: string;
  close(): Promise<void>;
}

export async function startBrowserHarness(
  env: Record<string, string> = {},
): Promise<BrowserHarness> {
  ensureWebBuild();
  const harness = await startHarness({ LOG_LEVEL: 'warn', ...env });
  const address = await harness.app.listen({ port: 0, host: '127.0.0.1' });
  const browser = await chromium.launch({
    executablePath: CHROMIUM,
    // The machine has no outside network: without these Chromium keeps trying to reach
    // Google's services at every start.
    args: [
      '--no-sandbox',
      '--disable-gpu',
      '--disable-background-networking',
      '--disable-component-update',
      '--disable-sync',
      '--no-first-run',
      '--disable-quic',
    ],
  });
  return {
    harness,
    browser,
    baseUrl: address,
    async close() {
      await browser.close();
      await harness.close();
    },
  };
}

/** A fresh browser context (own cookies) with one page, watching for page errors. */
export async function openPage(
  browser: Browser,
  baseUrl: string,
  viewport = { width: 1200, height: 800 },
): Promise<{ page: Page; problems: string[] }> {
  const context = await browser.newContext({
    baseURL: baseUrl,
    viewport,
    locale: 'en-US',
    timezoneId: 'UTC',
  });
  const page = await context.newPage();
  const problems: string[] = [];
  page.on('pageerror', (error) => problems.push(`page error: ${error.message}`));
  page.on('console', (message) => {
    // A refused API call (401 before login, a wrong password) is logged by Chromium as a
    // failed resource; that is the page working. Anything else, such as a Content-Security-
    // Policy refusal, is a problem.
    if (message.type() === 'error' && !message.text().startsWith('Failed to load resource')) {
      problems.push(`console: ${message.text()}`);
    }
  });
  return { page, problems };
}

export async function signIn(page: Page, username: string, password: string): Promise<void> {
  await page.goto('/');
  await page.getByLabel('Username or email').fill(username);
  await page.getByLabel('Password').fill(password);
  await page.getByRole('button', { name: 'Sign in' }).click();
  await page.getByRole('heading', { name: 'Profile', level: 1 }).waitFor();
}

/**
 * Waits until `content` shows or the page shows an error, and fails at once with the error's
 * text in the latter case, rather than after a timeout with nothing to go on.
 */
/**
 * Waits, bounded, until the page expression equals the expected value, e.g. where focus has
 * moved. Polled with evaluate: the page's CSP forbids the string eval of waitForFunction.
 */
export async function focusMovesTo(
  page: Page,
  expression: string,
  expected: string,
): Promise<void> {
  let actual: unknown;
  for (let i = 0; i < 50; i++) {
    actual = await page.evaluate(expression);
    if (actual === expected) return;
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
  throw new Error(
    `${expression} is ${JSON.stringify(actual)}, expected ${JSON.stringify(expected)}`,
  );
}

export async function loaded(page: Page, content: Locator): Promise<void> {
  const alert = page.getByRole('alert');
  await content.or(alert).first().waitFor();
  if (await alert.count()) {
    throw new Error(`the page shows an error: ${(await alert.allTextContents()).join(' ')}`);
  }
}

/** Saves docs/screenshots/<name>.png for the README. */
export async function screenshot(
  page: Page,
  name: string,
  { fullPage = true }: { fullPage?: boolean } = {},
): Promise<void> {
  mkdirSync(SCREENSHOTS, { recursive: true });
  await page.screenshot({ path: join(SCREENSHOTS, `${name}.png`), fullPage });
}
