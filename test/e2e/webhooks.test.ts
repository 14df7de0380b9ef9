// The Admin's Webhooks page in a real Chromium: create a webhook, copy its secret from the
// one dialog that shows it, send a test, see the delivery, delete it. Others see no such page.

import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import {
  type BrowserHarness,
  browserSkipReason,
  loaded,
  openPage,
  screenshot,
  signIn,
} from '../helpers/browser.js';
import { startBrowserHarness } from '../helpers/browser.js';
import { PASSWORD } from '../helpers/harness.js';
import { type Receiver, signatureValid, startReceiver } from '../helpers/webhook-receiver.js';

describe('web page: webhooks', { skip: browserSkipReason() }, () => {
  let env: BrowserHarness;
  let receiver: Receiver;

  before(async () => {
    env = await startBrowserHarness({ WEBHOOK_POLL_INTERVAL_MS: '50' });
    receiver = await startReceiver();
  });
  after(async () => {
    await env?.close();
    await receiver?.close();
  });

  test('an Admin creates a webhook, copies its secret once, sends a test and sees it delivered', async () => {
    await env.harness.createUser('Admin', 'hana');
    const { page, problems } = await openPage(env.browser, env.baseUrl);
    page.setDefaultTimeout(10_000);
    await signIn(page, 'hana', PASSWORD);
    await page
      .getByRole('navigation', { name: 'Main' })
      .getByRole('link', { name: 'Webhooks' })
      .click();
    await page.getByRole('heading', { name: 'Webhooks', level: 1 }).waitFor();
    await loaded(page, page.getByText('No webhooks yet.'));

    await page.getByRole('button', { name: 'Create webhook' }).click();
    const dialog = page.getByRole('dialog', { name: 'Create a webhook' });
    // A refusal first: the API's message, as it is.
    await dialog.getByLabel('URL').fill('ftp://files.example.com/');
    await dialog.getByRole('button', { name: 'Create webhook' }).click();
    await dialog.getByRole('alert').waitFor();
    await dialog.getByLabel('URL').fill(receiver.url);
    await dialog.getByLabel('Description').fill('Security chat');
    await dialog.getByLabel('pat-created').check();
    await screenshot(page, 'webhook-create-dialog', { fullPage: false });
    await dialog.getByRole('button', { name: 'Create webhook' }).click();

    const secretDialog = page.getByRole('dialog', { name: "Your webhook's signing secret" });
    const secret = await secretDialog.getByLabel('Signing secret').inputValue();
    assert.match(secret, /^whsec_[A-Za-z0-9_-]{43}$/);
    await secretDialog.getByRole('button', { name: 'I have copied it' }).click();
    await page.getByText('Webhook Security chat created.').waitFor();
    const row = page.getByRole('row', { name: new RegExp(receiver.url) });
    assert.match(await row.innerText(), /pat-created, pat-leaked/);

    await page.getByRole('button', { name: 'Send test to Security chat' }).click();
    await page.getByText('A test event is on its way to Security chat.').waitFor();
    await receiver.waitFor(() => receiver.received.length > 0);
    const [delivery] = receiver.received;
    assert.equal(delivery?.event, 'webhook-test');
    assert.ok(delivery && signatureValid(secret, delivery), 'signed with the secret shown');

    const deliveries = page.getByRole('table', { name: 'Recent deliveries' });
    await deliveries.waitFor();
    for (let i = 0; i < 20 && !/Delivered/.test(await deliveries.innerText()); i++) {
      await page.getByRole('button', { name: 'Refresh' }).click();
      await page.waitForTimeout(200);
    }
    assert.match(await deliveries.innerText(), /webhook-test[\s\S]*Delivered[\s\S]*200/);
    await screenshot(page, 'webhooks');
    // Once closed, the secret is gone from the page.
    assert.ok(!(await page.content()).includes(secret));

    await page.getByRole('button', { name: 'Delete webhook Security chat' }).click();
    await page
      .getByRole('dialog', { name: 'Delete this webhook?' })
      .getByRole('button', { name: 'Delete webhook' })
      .click();
    await page.getByText('Webhook Security chat deleted.').waitFor();
    await page.getByText('No webhooks yet.').waitFor();
    assert.deepEqual(problems, []);
  });

  test('an Editor is not offered the page, and typing its address shows the Admins-only notice', async () => {
    await env.harness.createUser('Editor', 'eddie');
    const { page, problems } = await openPage(env.browser, env.baseUrl);
    const calls: string[] = [];
    page.on('request', (request) => {
      if (request.url().includes('/api/admin/webhooks')) calls.push(request.url());
    });
    await signIn(page, 'eddie', PASSWORD);
    const nav = page.getByRole('navigation', { name: 'Main' });
    assert.ok(!(await nav.getByRole('link').allTextContents()).includes('Webhooks'));
    await page.goto('/#/webhooks');
    await page.getByRole('heading', { name: 'Webhooks', level: 1 }).waitFor();
    await page.getByText('This page is for Admins.').waitFor();
    assert.deepEqual(calls, []);
    assert.deepEqual(problems, []);
  });
});
