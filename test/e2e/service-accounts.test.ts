// Service accounts through the web page, in a real Chromium: an Admin creates one, gives it a
// read-only token through the same dialogs as personal tokens, uses the secret on the API,
// changes the account's role and name, and deletes the token and the account. Others see no
// such page.

import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import {
  type BrowserHarness,
  browserSkipReason,
  focusMovesTo,
  loaded,
  openPage,
  screenshot,
  signIn,
  startBrowserHarness,
} from '../helpers/browser.js';
import { json, PASSWORD } from '../helpers/harness.js';

interface AccountJson {
  id: number;
  username: string;
  name?: string;
  rootRole: number;
}

describe('web page: service accounts', { skip: browserSkipReason() }, () => {
  let env: BrowserHarness;

  before(async () => {
    env = await startBrowserHarness();
  });
  after(async () => {
    await env?.close();
  });

  test('an Admin creates a service account, gives it a read-only token, changes its role and deletes it', async () => {
    const { harness, baseUrl } = env;
    const admin = await harness.createUser('Admin', 'sara');
    const adminCookie = { cookie: await harness.login(admin.username as string) };
    const accountsOnServer = async () =>
      json<{ serviceAccounts: AccountJson[] }>(
        await harness.request({
          method: 'GET',
          url: '/api/admin/service-account',
          auth: adminCookie,
        }),
      ).serviceAccounts;

    const { page, problems } = await openPage(env.browser, baseUrl);
    page.setDefaultTimeout(10_000);
    await signIn(page, 'sara', PASSWORD);
    await page
      .getByRole('navigation', { name: 'Main' })
      .getByRole('link', { name: 'Service accounts' })
      .click();
    await page.getByRole('heading', { name: 'Service accounts', level: 1 }).waitFor();
    await loaded(page, page.getByText('No service accounts yet.'));

    // Create: the dialog takes focus on its first field.
    await page.getByRole('button', { name: 'Create service account' }).click();
    const create = page.getByRole('dialog', { name: 'Create a service account' });
    await focusMovesTo(page, 'document.activeElement?.id', 'account-username');
    await create.getByLabel('Username', { exact: true }).fill('ci-deployer');
    await create.getByLabel('Name', { exact: true }).fill('CI deployer');
    await create.getByLabel('Role').selectOption('Editor');
    await create.getByRole('button', { name: 'Create service account' }).click();
    await page.getByText('Service account ci-deployer created.').waitFor();
    const table = page.getByRole('table', { name: 'Service accounts' });
    const accountRow = table.getByRole('row', { name: /ci-deployer/ });
    assert.equal(await page.getByLabel('Role of ci-deployer').inputValue(), 'Editor');
    assert.match(await accountRow.innerText(), /CI deployer[\s\S]*0 tokens/);

    // The same username again: the API's refusal, in the dialog.
    await page.getByRole('button', { name: 'Create service account' }).click();
    await create.getByLabel('Username', { exact: true }).fill('ci-deployer');
    await create.getByRole('button', { name: 'Create service account' }).click();
    await create.getByRole('alert').waitFor();
    await create.getByRole('button', { name: 'Cancel' }).click();
    await create.waitFor({ state: 'detached' });

    // Its tokens: focus moves to their heading.
    await page.getByRole('button', { name: '0 tokens of ci-deployer' }).click();
    const tokensHeading = page.getByRole('heading', { name: 'Tokens of ci-deployer' });
    await tokensHeading.waitFor();
    await focusMovesTo(page, 'document.activeElement?.textContent', 'Tokens of ci-deployer');
    await page.getByText('ci-deployer has no tokens yet.').waitFor();

    // A read-only token, through the same dialog as personal tokens.
    await page.getByRole('button', { name: 'Create token for ci-deployer' }).click();
    const dialog = page.getByRole('dialog', { name: 'Create a token for ci-deployer' });
    await dialog.getByLabel('Description').fill('Nightly export');
    assert.equal(await dialog.getByLabel('Full access').isChecked(), true);
    await dialog.getByLabel('Read-only').check();
    await dialog.getByText('Reads everywhere, changes nothing.').waitFor();
    await dialog.getByRole('button', { name: 'Create token' }).click();

    const secretDialog = page.getByRole('dialog', { name: 'Your new token' });
    await secretDialog.getByText('It will not be shown again').waitFor();
    const secret = await secretDialog.getByLabel('Token', { exact: true }).inputValue();
    assert.match(secret, /^user:v2_[A-Za-z0-9_-]{22}_[A-Za-z0-9_-]{43}$/);
    await secretDialog.getByRole('button', { name: 'I have copied it' }).click();
    await secretDialog.waitFor({ state: 'detached' });
    // Shown once: gone from the page, never in the browser's storage or the URL.
    assert.equal((await page.content()).includes(secret), false);
    assert.equal(await page.evaluate('localStorage.length + sessionStorage.length'), 0);
    assert.equal(page.url().includes(secret), false);

    const tokens = page.getByRole('table', { name: 'Tokens of ci-deployer' });
    const tokenRow = tokens.getByRole('row', { name: /Nightly export/ });
    assert.match(await tokenRow.innerText(), /Read-only/);
    await page.getByRole('button', { name: '1 token of ci-deployer' }).waitFor();

    // The token reads, as the account, and cannot write.
    const withSecret = (method: string, path: string, body?: unknown) =>
      fetch(`${baseUrl}${path}`, {
        method,
        headers: {
          authorization: secret,
          ...(body !== undefined && { 'content-type': 'application/json' }),
        },
        ...(body !== undefined && { body: JSON.stringify(body) }),
      });
    const me = await withSecret('GET', '/api/admin/user');
    assert.equal(me.status, 200);
    assert.equal(
      ((await me.json()) as { user: { username: string } }).user.username,
      'ci-deployer',
    );
    assert.equal((await withSecret('GET', '/api/admin/user/tokens')).status, 200);
    const write = await withSecret('POST', '/api/admin/user/tokens', {
      description: 'made by a read-only token',
      expiresAt: new Date(Date.now() + 86_400_000).toISOString(),
    });
    assert.equal(write.status, 403);
    await screenshot(page, 'service-accounts');

    // Change its role in place, then its name and role in the edit dialog.
    await page.getByLabel('Role of ci-deployer').selectOption('Viewer');
    await page.getByText('ci-deployer is now Viewer.').waitFor();
    assert.equal((await accountsOnServer())[0]?.rootRole, 3);
    await page.getByRole('button', { name: 'Edit service account ci-deployer' }).click();
    const edit = page.getByRole('dialog', { name: 'Change ci-deployer' });
    assert.equal(await edit.getByLabel('Role').inputValue(), 'Viewer');
    await edit.getByLabel('Name', { exact: true }).fill('CI exporter');
    await edit.getByLabel('Role').selectOption('Editor');
    await edit.getByRole('button', { name: 'Save changes' }).click();
    await page.getByText('Service account ci-deployer saved.').waitFor();
    await accountRow.getByText('CI exporter').waitFor();
    const [saved] = await accountsOnServer();
    assert.equal(saved?.name, 'CI exporter');
    assert.equal(saved?.rootRole, 2);

    // Phone width: the page fits without sideways scrolling.
    await page.setViewportSize({ width: 375, height: 812 });
    assert.ok(((await page.evaluate('document.documentElement.scrollWidth')) as number) <= 375);
    await page.setViewportSize({ width: 1200, height: 800 });

    // Delete the token: it stops working at once.
    await page.getByRole('button', { name: 'Delete token Nightly export' }).click();
    const confirmToken = page.getByRole('dialog', { name: 'Delete this token?' });
    await confirmToken.getByRole('button', { name: 'Delete token' }).click();
    await page.getByText('Token "Nightly export" deleted.').waitFor();
    await tokenRow.waitFor({ state: 'detached' });
    assert.equal((await withSecret('GET', '/api/admin/user')).status, 401);
    await page.getByRole('button', { name: '0 tokens of ci-deployer' }).waitFor();

    // Delete the account, after confirming; Cancel has the focus.
    await page.getByRole('button', { name: 'Delete service account ci-deployer' }).click();
    const confirm = page.getByRole('dialog', { name: 'Delete this service account?' });
    await focusMovesTo(page, 'document.activeElement?.textContent', 'Cancel');
    await confirm.getByRole('button', { name: 'Delete service account' }).click();
    await page.getByText('Service account ci-deployer deleted.').waitFor();
    await page.getByText('No service accounts yet.').waitFor();
    assert.equal(await tokensHeading.count(), 0);
    assert.deepEqual(await accountsOnServer(), []);
    assert.deepEqual(problems, []);
  });

  test('a Viewer sees no service accounts entry, and the address says it is for Admins', async () => {
    await env.harness.createUser('Viewer', 'vic');
    const { page, problems } = await openPage(env.browser, env.baseUrl);
    page.setDefaultTimeout(10_000);
    const adminCalls: string[] = [];
    page.on('request', (request) => {
      if (request.url().includes('/api/admin/service-account')) adminCalls.push(request.url());
    });
    await signIn(page, 'vic', PASSWORD);
    const nav = page.getByRole('navigation', { name: 'Main' });
    assert.deepEqual(await nav.getByRole('link').allTextContents(), ['Profile']);
    await page.goto('/#/service-accounts');
    await page.getByRole('heading', { name: 'Service accounts', level: 1 }).waitFor();
    await page.getByText('This page is for Admins.').waitFor();
    assert.equal(await page.getByRole('button', { name: 'Create service account' }).count(), 0);
    assert.deepEqual(adminCalls, [], 'the page does not even ask for service accounts');
    assert.deepEqual(problems, []);
  });
});
