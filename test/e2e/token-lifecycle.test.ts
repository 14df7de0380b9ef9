// The token lifecycle through the web page, in a real Chromium: sign in, create a token, read
// its secret from the dialog, use it on the API, delete it, and see it stop working.

import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import {
  type BrowserHarness,
  browserSkipReason,
  focusMovesTo,
  openPage,
  screenshot,
  signIn,
  startBrowserHarness,
} from '../helpers/browser.js';
import { inDays, json, PASSWORD } from '../helpers/harness.js';

const DAY_MS = 86_400_000;

describe('web page: personal API tokens', { skip: browserSkipReason() }, () => {
  let env: BrowserHarness;

  before(async () => {
    // A limit of 3 makes "at the limit" reachable in a few steps; a fast seenAt flush makes
    // "last seen" show up without waiting.
    env = await startBrowserHarness({ PAT_LIMIT: '3', SEEN_AT_FLUSH_INTERVAL_MS: '100' });
  });
  after(async () => {
    await env?.close();
  });

  /** Ages a token so that the server flags it, as if it had been made long ago. */
  async function age(id: number, createdDaysAgo: number, expiresInDays: number) {
    await env.harness.db.query(
      'UPDATE personal_access_tokens SET created_at = $1, expires_at = $2 WHERE id = $3',
      [
        new Date(Date.now() - createdDaysAgo * DAY_MS),
        new Date(Date.now() + expiresInDays * DAY_MS),
        id,
      ],
    );
  }

  test('sign in, create a token, use its secret from the dialog, delete it, and it fails', async () => {
    const { harness, baseUrl } = env;
    const user = await harness.createUser('Editor', 'erin');
    const cookie = { cookie: await harness.login('erin') };
    const seeded = async (description: string, days: number) =>
      json<{ id: number; secret: string }>(
        await harness.createPat(cookie, { description, expiresAt: inDays(days) }),
      );
    const soon = await seeded('Nightly backup', 90);
    await age(soon.id, 60, 5);
    const old = await seeded('Old laptop', 90);
    await age(old.id, 40, -1);
    const used = await seeded('Terraform', 60);
    const usedCall = await fetch(`${baseUrl}/api/admin/user`, {
      headers: { authorization: used.secret },
    });
    assert.equal(usedCall.status, 200);

    const { page, problems } = await openPage(env.browser, baseUrl);
    page.setDefaultTimeout(10_000);

    // The page runs under the server's strict policy; a violation would show in `problems`.
    const served = await page.goto('/');
    assert.match(served?.headers()['content-security-policy'] ?? '', /script-src 'self';/);

    // The login error is the API's message, shown as it is.
    await page.getByLabel('Username or email').fill('erin');
    await page.getByLabel('Password').fill('not the password');
    await page.getByRole('button', { name: 'Sign in' }).click();
    await page.getByRole('alert').getByText('Wrong password, try again.').waitFor();
    await screenshot(page, 'login');

    await signIn(page, 'erin', PASSWORD);
    const table = page.getByRole('table', { name: 'Your personal API tokens' });
    await table.waitFor();
    const row = (description: string) => table.getByRole('row', { name: new RegExp(description) });
    assert.match(await row('Nightly backup').innerText(), /Expires soon/);
    assert.match(await row('Old laptop').innerText(), /Expired/);
    assert.match(await row('Nightly backup').innerText(), /never/);
    // Terraform was used once: its last-seen time appears after the batched seenAt flush.
    await new Promise((resolve) => setTimeout(resolve, 300));
    await page.reload();
    await table.waitFor();
    assert.doesNotMatch(await row('Terraform').innerText(), /never/);
    await page.getByText('2 of 3 active tokens in use.').waitFor();
    await screenshot(page, 'tokens');

    // The dialog takes focus, Escape closes it, and focus returns to the button that opened it.
    const createButton = page.getByRole('button', { name: 'Create token' });
    await createButton.click();
    const dialog = page.getByRole('dialog', { name: 'Create a personal API token' });
    await dialog.waitFor();
    await focusMovesTo(page, 'document.activeElement?.id', 'token-description');
    await page.keyboard.press('Escape');
    await dialog.waitFor({ state: 'detached' });
    // Focus returns once the dialog's close has run; wait for it (bounded) rather than race it.
    await focusMovesTo(page, 'document.activeElement?.textContent', 'Create token');

    await createButton.click();
    await dialog.getByLabel('Description').fill('CI deploy job');
    await dialog.getByLabel('90 days').check();
    await dialog.getByText(/The token will expire on/).waitFor();
    await screenshot(page, 'create-dialog');
    await dialog.getByRole('button', { name: 'Create token' }).click();

    const secretDialog = page.getByRole('dialog', { name: 'Your new token' });
    await secretDialog.getByText('It will not be shown again').waitFor();
    const secret = await secretDialog.getByLabel('Token', { exact: true }).inputValue();
    assert.match(secret, /^user:v2_[A-Za-z0-9_-]{22}_[A-Za-z0-9_-]{43}$/);
    const curl = await secretDialog.getByLabel('Try it with curl').inputValue();
    assert.equal(curl, `curl -H 'Authorization: ${secret}' '${baseUrl}/api/admin/user'`);
    await screenshot(page, 'secret-dialog');
    await secretDialog.getByRole('button', { name: 'I have copied it' }).click();
    await secretDialog.waitFor({ state: 'detached' });

    // Shown once: gone from the page, and never put in the browser's storage.
    assert.equal((await page.content()).includes(secret), false);
    assert.equal(await page.evaluate('localStorage.length + sessionStorage.length'), 0);

    // Three active tokens is the limit: the button says why it is off.
    await row('CI deploy job').waitFor();
    assert.equal(await createButton.isDisabled(), true);
    await page.getByText('You have 3 active tokens, the most allowed (3).').waitFor();

    const withSecret = () =>
      fetch(`${baseUrl}/api/admin/user`, { headers: { authorization: secret } });
    const before = await withSecret();
    assert.equal(before.status, 200);
    assert.equal(((await before.json()) as { user: { id: number } }).user.id, user.id);

    await page.getByRole('button', { name: 'Delete token CI deploy job' }).click();
    const confirm = page.getByRole('dialog', { name: 'Delete this token?' });
    await confirm.getByRole('button', { name: 'Delete token' }).click();
    await page.getByText('Token "CI deploy job" deleted.').waitFor();
    await row('CI deploy job').waitFor({ state: 'detached' });
    assert.equal((await withSecret()).status, 401);
    assert.equal(await createButton.isDisabled(), false);

    // Phone width: everything fits without sideways scrolling.
    await page.setViewportSize({ width: 375, height: 812 });
    assert.ok(((await page.evaluate('document.documentElement.scrollWidth')) as number) <= 375);
    await screenshot(page, 'phone');

    assert.deepEqual(problems, []);
  });
});
