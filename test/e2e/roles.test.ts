// Who sees what in the web page: Admin pages for Admins only, and an Admin's user management
// and audit log, in a real Chromium.

import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import {
  type BrowserHarness,
  browserSkipReason,
  openPage,
  screenshot,
  loaded,
  signIn,
  startBrowserHarness,
} from '../helpers/browser.js';
import type { Route } from 'playwright-core';
import { json, PASSWORD } from '../helpers/harness.js';

const NEW_PASSWORD = 'Nell-has-1-good-password';

describe('web page: roles', { skip: browserSkipReason() }, () => {
  let env: BrowserHarness;

  before(async () => {
    env = await startBrowserHarness();
  });
  after(async () => {
    await env?.close();
  });

  test('a Viewer sees no admin pages, not even by typing their address', async () => {
    await env.harness.createUser('Viewer', 'vera');
    const { page, problems } = await openPage(env.browser, env.baseUrl);
    const adminCalls: string[] = [];
    page.on('request', (request) => {
      if (/\/api\/admin\/(user-admin|events)/.test(request.url())) adminCalls.push(request.url());
    });
    await signIn(page, 'vera', PASSWORD);
    const nav = page.getByRole('navigation', { name: 'Main' });
    assert.deepEqual(await nav.getByRole('link').allTextContents(), ['Profile']);

    for (const [hash, title] of [
      ['#/users', 'Users'],
      ['#/events', 'Events'],
    ] as const) {
      await page.goto(`/${hash}`);
      await page.getByRole('heading', { name: title, level: 1 }).waitFor();
      await page.getByText('This page is for Admins.').waitFor();
    }
    assert.deepEqual(adminCalls, [], 'the page does not even ask for admin data');
    assert.deepEqual(problems, []);
  });

  test('an Admin creates a user who then signs in', async () => {
    await env.harness.createUser('Admin', 'ada');
    const { page, problems } = await openPage(env.browser, env.baseUrl);
    page.setDefaultTimeout(10_000);
    await signIn(page, 'ada', PASSWORD);
    await page
      .getByRole('navigation', { name: 'Main' })
      .getByRole('link', { name: 'Users' })
      .click();
    await page.getByRole('heading', { name: 'Users', level: 1 }).waitFor();
    await loaded(page, page.getByRole('table', { name: 'Users' }));

    await page.getByRole('button', { name: 'Create user' }).click();
    const dialog = page.getByRole('dialog', { name: 'Create a user' });
    await dialog.getByLabel('Username', { exact: true }).fill('newbie');
    await dialog.getByLabel('Name', { exact: true }).fill('Nell Newbie');
    await dialog.getByLabel('Role').selectOption('Editor');
    // A weak password: the API's message and each of its details, in words.
    await dialog.getByLabel('Password').fill('weakpassword');
    await dialog.getByRole('button', { name: 'Create user' }).click();
    const refusal = dialog.getByRole('alert');
    await refusal.getByText('The password does not meet the policy.', { exact: false }).waitFor();
    assert.deepEqual(await refusal.getByRole('listitem').allTextContents(), [
      'The password needs an upper-case letter.',
      'The password needs a digit.',
      'The password needs a symbol.',
    ]);
    await dialog.getByLabel('Password').fill(NEW_PASSWORD);
    await dialog.getByRole('button', { name: 'Create user' }).click();
    await page.getByText('User Nell Newbie created.').waitFor();
    const row = page.getByRole('row', { name: /Nell Newbie/ });
    assert.equal(await row.getByRole('combobox').inputValue(), 'Editor');

    // Change a role in place, and delete a user after confirming.
    await page.getByLabel('Role of Nell Newbie').selectOption('Viewer');
    await page.getByText('Nell Newbie is now Viewer.').waitFor();
    const doomed = await env.harness.createUser('Viewer', 'leaving');
    await page.reload();
    await page.getByRole('button', { name: `Delete user ${doomed.username}` }).click();
    const confirm = page.getByRole('dialog', { name: 'Delete this user?' });
    // The list's reload is held back a moment: "deleted" must not be announced while the
    // deleted user is still on the screen.
    const slowList = async (route: Route) => {
      if (route.request().method() === 'GET') await new Promise((done) => setTimeout(done, 300));
      await route.continue();
    };
    await page.route('**/api/admin/user-admin', slowList);
    await confirm.getByRole('button', { name: 'Delete user' }).click();
    await page.getByText(`User ${doomed.username} deleted.`).waitFor();
    assert.equal(await page.getByRole('row', { name: /leaving/ }).count(), 0);
    await page.unroute('**/api/admin/user-admin', slowList);
    await screenshot(page, 'users');

    await page.getByRole('button', { name: 'Log out' }).click();
    await page.getByText('You are signed out.').waitFor();
    await signIn(page, 'newbie', NEW_PASSWORD);
    await page.getByText('Nell Newbie (Viewer)').waitFor();
    assert.deepEqual(problems, []);
  });

  test('an Admin reads the audit log, newest first, a page at a time', async () => {
    const { harness } = env;
    const admin = await harness.signedIn('Admin');
    // 13 create-and-delete rounds: 26 events, two pages of 20.
    for (let round = 1; round <= 13; round++) {
      const created = json<{ id: number }>(
        await harness.createPat({ cookie: admin.cookie }, { description: `deploy key ${round}` }),
      );
      await harness.request({
        method: 'DELETE',
        url: `/api/admin/user/tokens/${created.id}`,
        auth: { cookie: admin.cookie },
      });
    }
    const { page, problems } = await openPage(env.browser, env.baseUrl);
    page.setDefaultTimeout(10_000);
    await signIn(page, admin.user.username as string, PASSWORD);
    await page
      .getByRole('navigation', { name: 'Main' })
      .getByRole('link', { name: 'Events' })
      .click();
    const table = page.getByRole('table', { name: 'Events' });
    await loaded(page, table);

    const total = json<{ totalEvents: number }>(
      await harness.request({
        method: 'GET',
        url: '/api/admin/events?limit=1',
        auth: { cookie: admin.cookie },
      }),
    ).totalEvents;
    assert.ok(total >= 26);
    await page.getByText(`1–20 of ${total}`).waitFor();
    const rows = table.locator('tbody tr');
    assert.equal(await rows.count(), 20);
    // Newest first: the last round's deletion leads, in words a person reads.
    assert.match((await rows.first().textContent()) ?? '', /Token deleted.*deploy key 13/);
    await screenshot(page, 'events', { fullPage: false });

    await page.getByRole('button', { name: 'Older' }).click();
    await page.getByText(`21–${total} of ${total}`).waitFor();
    assert.equal(await page.getByRole('button', { name: 'Older' }).isDisabled(), true);
    await page.getByRole('button', { name: 'Newer' }).click();
    await page.getByText(`1–20 of ${total}`).waitFor();
    assert.deepEqual(problems, []);
  });
});
