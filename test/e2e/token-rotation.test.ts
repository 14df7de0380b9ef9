// Rotation, usage and the Admins' token inventory through the web page, in a real Chromium.

import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import {
  type BrowserHarness,
  browserSkipReason,
  openPage,
  screenshot,
  signIn,
} from '../helpers/browser.js';
import { startBrowserHarness } from '../helpers/browser.js';
import { inDays, json, PASSWORD } from '../helpers/harness.js';

describe('web page: rotation, usage and the token inventory', { skip: browserSkipReason() }, () => {
  let env: BrowserHarness;
  before(async () => {
    env = await startBrowserHarness({ SEEN_AT_FLUSH_INTERVAL_MS: '100' });
  });
  after(async () => {
    await env?.close();
  });

  const call = (token: string) =>
    fetch(`${env.baseUrl}/api/admin/user`, { headers: { authorization: token } });

  test('rotate with a one-hour overlap: the new secret once, both work; a usage sparkline per token', async () => {
    const { harness } = env;
    await harness.createUser('Editor', 'rhea');
    const cookie = { cookie: await harness.login('rhea') };
    const old = json<{ id: number; secret: string }>(
      await harness.createPat(cookie, { description: 'Deploy bot', expiresAt: inDays(30) }),
    );
    for (let i = 0; i < 4; i++) assert.equal((await call(old.secret)).status, 200);
    await harness.services.seenAt.flush();

    const { page, problems } = await openPage(env.browser, env.baseUrl);
    page.setDefaultTimeout(10_000);
    await signIn(page, 'rhea', PASSWORD);
    const table = page.getByRole('table', { name: 'Your personal API tokens' });
    await table.waitFor();
    await page
      .getByRole('img', { name: 'Use of Deploy bot: 4 requests in 90 days, 4 in the last 7' })
      .waitFor();

    await page.getByRole('button', { name: 'Rotate token Deploy bot' }).click();
    const dialog = page.getByRole('dialog', { name: 'Rotate this token?' });
    await dialog.getByLabel('1 hour').check();
    await screenshot(page, 'rotate-dialog');
    await dialog.getByRole('button', { name: 'Rotate token' }).click();

    const secretDialog = page.getByRole('dialog', { name: 'Your new token' });
    const secret = await secretDialog.getByLabel('Token', { exact: true }).inputValue();
    assert.match(secret, /^user:v2_[A-Za-z0-9_-]{22}_[A-Za-z0-9_-]{43}$/);
    assert.notEqual(secret, old.secret);
    await secretDialog.getByRole('button', { name: 'I have copied it' }).click();
    await page.getByText('Token "Deploy bot" rotated.').waitFor();
    assert.equal((await page.content()).includes(secret), false);

    // Both work during the overlap; the old one is marked and cannot be rotated again.
    assert.equal((await call(old.secret)).status, 200);
    assert.equal((await call(secret)).status, 200);
    await table.getByText('Rotated: ends with its overlap').waitFor();
    assert.equal(await page.getByRole('button', { name: /^Rotate token/ }).count(), 1);
    assert.deepEqual(problems, []);
  });

  test('an Admin filters every token, selects two and revokes them with a reason', async () => {
    const { harness } = env;
    await harness.createUser('Admin', 'ines');
    const owner = await harness.createUser('Viewer', 'otto');
    const ownerCookie = { cookie: await harness.login('otto') };
    const made = [];
    for (const description of ['Leaked laptop', 'Leaked CI', 'Kept backup'])
      made.push(
        json<{ id: number; secret: string }>(
          await harness.createPat(ownerCookie, { description, expiresAt: inDays(30) }),
        ),
      );

    const { page, problems } = await openPage(env.browser, env.baseUrl);
    page.setDefaultTimeout(10_000);
    await signIn(page, 'ines', PASSWORD);
    await page
      .getByRole('navigation', { name: 'Main' })
      .getByRole('link', { name: 'Tokens' })
      .click();
    await page.getByRole('heading', { name: 'Tokens', level: 1 }).waitFor();
    const table = page.getByRole('table', { name: 'All tokens' });
    await table.waitFor();

    const filters = page.getByRole('form', { name: 'Filter tokens' });
    await filters.getByLabel('Description contains').fill('leaked');
    await filters.getByLabel('Owner id').fill(String(owner.id));
    await filters.getByRole('button', { name: 'Apply filters' }).click();
    await table.getByRole('row', { name: /Kept backup/ }).waitFor({ state: 'detached' });
    assert.equal(await table.getByRole('row').count(), 3); // header + two

    await page.getByLabel('Select all shown tokens').check();
    await page.getByRole('button', { name: 'Revoke selected (2)' }).click();
    const confirm = page.getByRole('dialog', { name: 'Revoke 2 tokens?' });
    await confirm.getByLabel('Reason (kept in the audit log)').fill('found in a paste');
    await screenshot(page, 'admin-tokens');
    await confirm.getByRole('button', { name: 'Revoke tokens' }).click();
    await page.getByText('2 tokens revoked.').waitFor();
    await page.getByText('No tokens match.').waitFor();

    assert.equal((await call(made[0]?.secret as string)).status, 401);
    assert.equal((await call(made[1]?.secret as string)).status, 401);
    assert.equal((await call(made[2]?.secret as string)).status, 200);
    const reasons = await harness.db.query<{ reason: string }>(
      "SELECT data->>'reason' AS reason FROM events WHERE type = 'pat-deleted'",
    );
    assert.deepEqual(
      reasons.map((r) => r.reason),
      ['found in a paste', 'found in a paste'],
    );
    assert.deepEqual(problems, []);
  });
});
