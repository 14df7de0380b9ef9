// The scopes choice of the create dialog on the personal tokens page, in a real Chromium:
// Full access sends Unleash's body unchanged, Custom takes scopes and audiences as chips, a
// bad scope is explained where it was typed and creates nothing, and the server's own 400
// details are shown at the fields they are about.

import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import type { Page } from 'playwright-core';
import {
  type BrowserHarness,
  browserSkipReason,
  openPage,
  screenshot,
  signIn,
  startBrowserHarness,
} from '../helpers/browser.js';
import { json, PASSWORD } from '../helpers/harness.js';

interface PatJson {
  description: string;
  scopes: string[];
  audiences: string[];
}

describe('web page: token scopes', { skip: browserSkipReason() }, () => {
  let env: BrowserHarness;

  before(async () => {
    env = await startBrowserHarness();
  });
  after(async () => {
    await env?.close();
  });

  /** The create requests' bodies, as the page sent them. */
  function watchCreates(page: Page): Record<string, unknown>[] {
    const bodies: Record<string, unknown>[] = [];
    page.on('request', (request) => {
      if (request.method() === 'POST' && request.url().endsWith('/api/admin/user/tokens'))
        bodies.push(request.postDataJSON() as Record<string, unknown>);
    });
    return bodies;
  }

  test('Custom scopes and audiences as chips; a bad scope is explained and nothing is created', async () => {
    const { harness } = env;
    await harness.createUser('Editor', 'cora');
    const cookie = { cookie: await harness.login('cora') };
    const patsOnServer = async () =>
      json<{ pats: PatJson[] }>(
        await harness.request({ method: 'GET', url: '/api/admin/user/tokens', auth: cookie }),
      ).pats;

    const { page, problems } = await openPage(env.browser, env.baseUrl);
    page.setDefaultTimeout(10_000);
    const sent = watchCreates(page);
    await signIn(page, 'cora', PASSWORD);
    const table = page.getByRole('table', { name: 'Your personal API tokens' });
    const dialog = page.getByRole('dialog', { name: 'Create a personal API token' });
    const createButton = page.getByRole('button', { name: 'Create token' });

    // Full access is the default and sends Unleash's body, nothing more.
    await createButton.click();
    await dialog.getByLabel('Description').fill('Terraform');
    assert.equal(await dialog.getByLabel('Full access').isChecked(), true);
    await dialog.getByRole('button', { name: 'Create token' }).click();
    const secretDialog = page.getByRole('dialog', { name: 'Your new token' });
    await secretDialog.getByRole('button', { name: 'I have copied it' }).click();
    await table.getByRole('row', { name: /Terraform/ }).waitFor();
    assert.deepEqual(Object.keys(sent[0] ?? {}).sort(), ['description', 'expiresAt']);
    assert.match(await table.getByRole('row', { name: /Terraform/ }).innerText(), /Full access/);

    await createButton.click();
    await dialog.getByLabel('Description').fill('Order sync');
    await dialog.getByRole('radio', { name: 'Custom', exact: true }).check();
    const scopes = dialog.getByLabel('Scopes', { exact: true });
    const added = dialog.getByRole('list', { name: 'Scopes added' });

    // Nothing listed yet: the dialog says what is missing and sends nothing.
    await dialog.getByRole('button', { name: 'Create token' }).click();
    await dialog.getByRole('alert').getByText('Add at least one scope').waitFor();
    assert.equal(await page.evaluate('document.activeElement?.id'), 'token-scopes');

    // Enter and a comma each add a chip; × removes one.
    await scopes.fill('tokens:read');
    await scopes.press('Enter');
    await scopes.pressSequentially('orders:write,');
    await scopes.pressSequentially('events:read,');
    assert.deepEqual(await added.getByRole('listitem').allTextContents(), [
      'tokens:read×',
      'orders:write×',
      'events:read×',
    ]);
    await dialog.getByRole('button', { name: 'Remove events:read' }).click();
    assert.deepEqual(await added.getByRole('listitem').allTextContents(), [
      'tokens:read×',
      'orders:write×',
    ]);

    // A bad scope: explained at the field, left there to be corrected, not added.
    await scopes.fill('Orders:Write');
    await scopes.press('Enter');
    await dialog
      .getByRole('alert')
      .getByText('"Orders:Write" is not a scope: names are lower case. Did you mean orders:write?')
      .waitFor();
    assert.equal(await scopes.inputValue(), 'Orders:Write');
    assert.equal(await scopes.getAttribute('aria-invalid'), 'true');
    assert.equal(await added.getByRole('listitem').count(), 2);

    const audiences = dialog.getByLabel('Audiences (optional)');
    await audiences.fill('billing');
    await audiences.press('Enter');
    await dialog.getByRole('list', { name: 'Audiences (optional) added' }).waitFor();
    // Tall enough for the whole dialog, its title included.
    await page.setViewportSize({ width: 1200, height: 1150 });
    await screenshot(page, 'create-dialog-scopes', { fullPage: false });
    await page.setViewportSize({ width: 1200, height: 800 });

    // Creating with the bad text still in the field creates nothing.
    await dialog.getByRole('button', { name: 'Create token' }).click();
    await dialog.getByRole('alert').getByText('it is not added yet').waitFor();
    assert.equal(sent.length, 1);
    assert.deepEqual(
      (await patsOnServer()).map((pat) => pat.description),
      ['Terraform'],
    );

    // The server has the last word: its 400 details show at the field they are about.
    await page.route('**/api/admin/user/tokens', (route) =>
      route.request().method() === 'POST'
        ? route.fulfill({
            status: 400,
            contentType: 'application/json',
            body: JSON.stringify({
              id: 'test',
              name: 'BadDataError',
              message: 'The scopes or audiences are not valid. Refer to the `details` list.',
              details: [
                { path: '/body/scopes/1', message: 'The server does not like orders:write.' },
              ],
            }),
          })
        : route.continue(),
    );
    await scopes.fill('');
    await dialog.getByRole('button', { name: 'Create token' }).click();
    await dialog.getByText('The server does not like orders:write.').waitFor();
    // The detail is part of the field's description, so a screen reader reads it with it.
    const describedBy = ((await scopes.getAttribute('aria-describedby')) ?? '').split(' ');
    const description = await Promise.all(
      describedBy.map((id) => page.locator(`[id="${id}"]`).textContent()),
    );
    assert.match(description.join(' '), /The server does not like orders:write\./);
    await dialog.getByText('see the messages at the fields').waitFor();
    await page.unroute('**/api/admin/user/tokens');

    // Now for real.
    await dialog.getByRole('button', { name: 'Create token' }).click();
    await secretDialog.getByRole('button', { name: 'I have copied it' }).click();
    const row = table.getByRole('row', { name: /Order sync/ });
    await row.waitFor();
    assert.match(await row.innerText(), /tokens:read[\s\S]*orders:write[\s\S]*For: billing/);
    const made = (await patsOnServer()).find((pat) => pat.description === 'Order sync');
    assert.deepEqual(made?.scopes, ['tokens:read', 'orders:write']);
    assert.deepEqual(made?.audiences, ['billing']);
    assert.deepEqual(sent.at(-1)?.scopes, ['tokens:read', 'orders:write']);
    assert.deepEqual(problems, []);
  });
});
