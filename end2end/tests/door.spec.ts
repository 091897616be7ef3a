import { type APIRequestContext, type Browser } from '@playwright/test';
import { DEMO_PASSWORD, dayHasBegun, designate, expect, fillTodaysSession, jstTimeAgo, login, screen, test, todayJst } from './helpers';
import { OwnServer } from './server';

/** The Kyoto organizer, logged in through the API of `baseURL`. */
async function organizerApi(playwright: { request: { newContext: (o: object) => Promise<APIRequestContext> } }, baseURL: string) {
  const api = await playwright.request.newContext({ baseURL });
  expect((await api.post('/api/auth/login', { data: { email: 'kyoto.organizer@example.jp', password: DEMO_PASSWORD } })).ok()).toBe(true);
  return api;
}

/**
 * Today's session of the Kyoto organizer, designated by Kyoto's staff: all day, or (`ended`) from
 * 00:00 to two minutes ago, so that it can be posted (scans are taken all its day).
 */
async function todaysSession(api: APIRequestContext, title: string, baseURL: string, ended = false): Promise<number> {
  const r = await api.post('/api/organizer/sessions', {
    data: {
      title, category: 'occupational.lifelong.specialized', units: '1', date: todayJst(),
      starts_at: '00:00', ends_at: ended ? jstTimeAgo(2) : '23:59', venue: '京都府医師会館', prefecture: '26', capacity: '50',
      confirm_questions: true,
    },
  });
  expect(r.ok()).toBe(true);
  const id = (await r.json()).id;
  await designate(baseURL, id);
  return id;
}

async function phone(browser: Browser, baseURL: string) {
  const context = await browser.newContext({ baseURL, viewport: { width: 390, height: 844 }, locale: 'ja-JP', timezoneId: 'Asia/Tokyo' });
  return { context, page: await context.newPage() };
}

test('two phones at the door, a network drop and a revoked link: the organizer receives the held scans, posts, and the physician sees the unit', async ({ browser, playwright }) => {
  test.skip(!dayHasBegun(), 'a session that has ended today needs the first minutes of the day');
  const server = new OwnServer(Number(process.env.E2E_PORT ?? 3100) + 51);
  await server.start();
  try {
    const api = await organizerApi(playwright, server.url);
    const session = await todaysSession(api, '受付リンクの取り消し', server.url, true);
    const made = await (await api.post(`/api/organizer/sessions/${session}/doors`, { data: { label: '受付4 田中', hours: 4 } })).json();

    // A second phone at the other entrance, online all along.
    const other = await (await api.post(`/api/organizer/sessions/${session}/doors`, { data: { label: '受付5 鈴木', hours: 4 } })).json();
    const second = await phone(browser, server.url);
    await second.page.goto(other.path);
    await second.page.getByTestId('checkin-number').fill('402474');
    await second.page.getByTestId('checkin-record').click();
    await expect(second.page.getByTestId('feedback')).toContainText('入室を記録しました');
    await second.context.close();

    // The helper opens the link once with the network: the app shell is kept on the phone.
    const { context, page: helper } = await phone(browser, server.url);
    await helper.goto(made.path);
    await expect(helper.getByTestId('door-session')).toContainText('受付リンクの取り消し');
    await helper.waitForFunction(() => navigator.serviceWorker.controller !== null);

    // The hall's network drops; two people are checked in on the phone.
    await context.setOffline(true);
    for (const number of ['400000', '401237']) {
      await helper.getByTestId('checkin-number').fill(number);
      await helper.getByTestId('checkin-record').click();
    }
    await expect(helper.getByTestId('queued')).toContainText('未送信 2件');

    // Meanwhile the organizer revokes the link, and then the server itself goes away.
    const revoked = await api.post(`/api/organizer/sessions/${session}/doors/${made.link.id}/revoke`, { data: {} });
    expect(revoked.ok()).toBe(true);
    await server.stop();
    await context.setOffline(false);
    await helper.reload();
    await expect(helper.getByTestId('door-session')).toContainText('受付リンクの取り消し');
    await expect(helper.getByTestId('queued')).toContainText('未送信 2件');

    // The server is back: the link is closed, and nothing is lost.
    await server.start();
    const stopped = helper.getByTestId('stopped');
    await expect(stopped).toContainText('未送信の記録2件', { timeout: 20_000 });
    await expect(stopped).toContainText('400000');
    await expect(stopped).toContainText('401237');
    await screen(helper, 'door-held-after-revoke-390');

    // The organizer takes the phone, logs in on it and receives the scans.
    await helper.reload();
    await expect(helper.getByTestId('door-closed')).toBeVisible();
    await expect(helper.getByTestId('handover')).toContainText('2件');
    await helper.getByTestId('handover').getByTestId('receive').click();
    await expect(helper).toHaveURL(/\/login\?next=/);
    await helper.getByLabel('メールアドレス').fill('kyoto.organizer@example.jp');
    await helper.getByLabel('パスワード').fill(DEMO_PASSWORD);
    await helper.getByRole('button', { name: 'ログイン' }).click();
    await expect(helper).toHaveURL(/\/door$/);
    // The login page (the physician's build) hands /door to the door's build by loading it
    // afresh: the address changes first, then the page. Wait for the page before reading it.
    await expect(helper.getByTestId('receive-here')).toBeVisible();
    await screen(helper, 'door-handover-390');
    await helper.getByTestId('receive-here').click();
    await expect(helper).toHaveURL(new RegExp(`/organizer/sessions/${session}/checkin$`));
    await expect(helper.getByTestId('checkin-number')).toBeVisible();
    await expect(helper.getByTestId('queued')).toHaveCount(0, { timeout: 20_000 });
    const rows = await (await api.get(`/api/organizer/sessions/${session}/attendance`)).json();
    const numbers = rows.map((r: { registry_number: string }) => r.registry_number);
    expect(numbers).toEqual(expect.arrayContaining(['400000', '401237', '402474']));
    await context.close();

    // The organizer posts (every attendee came after the 00:00 start: granted with a reason).
    const grants = numbers.map((n: string) => ({ registry_number: n, reason: '終日開催のため' }));
    const posted = await api.post(`/api/organizer/sessions/${session}/post`, { data: { grants, confirm_unsent: true } });
    expect(posted.ok(), await posted.text()).toBe(true);
    // The physician (400000) sees the unit at once.
    const mine = await phone(browser, server.url);
    await login(mine.page, 'demo.physician@example.jp', DEMO_PASSWORD);
    await mine.page.goto('/mypage/history');
    await expect(mine.page.getByText('受付リンクの取り消し').first()).toBeVisible();
    await mine.context.close();
  } finally {
    await server.stop();
  }
});

test("the organizer's own scans wait through an ended login and are sent after logging in again", async ({ page, context, playwright, baseURL }) => {
  const api = await organizerApi(playwright, baseURL!);
  const session = await todaysSession(api, `ログイン切れ ${Date.now()}`, baseURL!);
  await login(page, 'kyoto.organizer@example.jp', DEMO_PASSWORD);
  await page.goto(`/organizer/sessions/${session}/checkin`);
  await context.setOffline(true);
  await page.getByTestId('checkin-number').fill('402474');
  await page.getByTestId('checkin-record').click();
  await expect(page.getByTestId('queued')).toContainText('未送信 1件');
  // The login ends while the phone is offline.
  await context.clearCookies();
  await context.setOffline(false);
  const stopped = page.getByTestId('stopped');
  await expect(stopped).toContainText('ログインが切れました', { timeout: 20_000 });
  await expect(stopped).toContainText('未送信の記録1件');
  await expect(stopped).toContainText('402474');
  await screen(page, 'checkin-signed-out-390');
  await stopped.getByRole('link').click();
  await page.getByLabel('メールアドレス').fill('kyoto.organizer@example.jp');
  await page.getByLabel('パスワード').fill(DEMO_PASSWORD);
  await page.getByRole('button', { name: 'ログイン' }).click();
  await expect(page).toHaveURL(new RegExp(`/organizer/sessions/${session}/checkin$`));
  // Back on the desk (the door's build, loaded afresh), logged in: the scan reaches the server.
  await expect(page.getByTestId('checkin-number')).toBeVisible();
  await expect(page.getByTestId('queued')).toHaveCount(0, { timeout: 20_000 });
  await expect
    .poll(async () => (await (await api.get(`/api/organizer/sessions/${session}/attendance`)).json()).map((r: { registry_number: string }) => r.registry_number))
    .toContain('402474');
});

test('the desk asks before recording an unknown number, warns of a check-out without check-in, and posting warns of a device still holding scans', async ({ page, playwright, baseURL }) => {
  const title = `確認つき受付 ${Date.now()}`;
  await fillTodaysSession(page, title);
  // A double tap makes one session.
  await page.getByTestId('save-session').dblclick();
  const item = page.getByTestId('org-sessions').locator('li', { hasText: title });
  await expect(item).toHaveCount(1);
  await expect(item.getByTestId('designation')).toHaveText('指定待ち');
  await page.waitForTimeout(1000);
  const mine = await (await page.request.get('/api/organizer/sessions')).json();
  await designate(baseURL!, mine.find((s: { title: string }) => s.title === title).id);
  await page.reload();
  await expect(page.getByTestId('org-sessions').locator('li', { hasText: title })).toHaveCount(1);
  await expect(item.getByTestId('designation')).toHaveText('指定済み');
  await item.getByRole('link', { name: '受付' }).click();
  await expect(page).toHaveURL(/\/checkin$/);

  // A number with no My Page is not recorded until confirmed.
  await page.getByTestId('checkin-number').fill('987654');
  await page.getByTestId('checkin-record').click();
  const held = page.getByTestId('held-panel');
  await expect(held).toContainText('マイページはありません');
  await screen(page, 'checkin-unknown-number-390');
  await held.getByTestId('confirm-number').click();
  await expect(page.getByTestId('feedback')).toContainText('入室を記録しました');
  await expect(page.getByTestId('feedback')).toContainText('マイページ未登録');
  await expect(page.getByTestId('held')).toHaveCount(0);

  // A check-out of someone never checked in is recorded, with a warning.
  await page.getByTestId('mode-out').click();
  await page.getByTestId('checkin-number').fill('401237');
  await page.getByTestId('checkin-record').click();
  await expect(page.getByTestId('no-check-in')).toContainText('入室の記録がありません');

  // A helper's phone reported scans it still holds: posting asks first.
  const session = Number(page.url().match(/sessions\/(\d+)\/checkin/)![1]);
  const api = await organizerApi(playwright, baseURL!);
  const made = await (await api.post(`/api/organizer/sessions/${session}/doors`, { data: { label: '受付5 伊藤', hours: 4 } })).json();
  const token = made.path.split('#')[1];
  const helper = await playwright.request.newContext({ baseURL });
  expect((await helper.post('/api/door/status', { headers: { 'x-nintei-door': token }, data: { unsent: 3 } })).status()).toBe(204);
  await page.reload();
  await expect(page.getByTestId('door-links')).toContainText('未送信3件');
  await page.goto(page.url().replace(/checkin$/, 'review'));
  // The number without a My Page is marked on the review.
  await expect(page.getByTestId('attendance').locator('li[data-registry="987654"]').getByTestId('unregistered')).toBeVisible();
  await page.getByTestId('post').click();
  await page.getByTestId('post-confirm').click();
  const warning = page.getByTestId('unsent-warning');
  await expect(warning).toContainText('受付5 伊藤');
  await expect(warning).toContainText('3件');
  await screen(page, 'review-unsent-warning-390');
  await warning.getByTestId('post-anyway').click();
  await expect(page.getByTestId('posted')).toBeVisible();
});

test('an organizer edits a session and cancels another, which leaves the public list', async ({ page }) => {
  const title = `中止する研修会 ${Date.now()}`;
  await login(page, 'kyoto.organizer@example.jp', DEMO_PASSWORD);
  await page.goto('/organizer');
  await page.getByLabel('研修会名').fill(title);
  await page.getByLabel('区分').selectOption('occupational.lifelong.update');
  await page.getByLabel('単位', { exact: true }).fill('2');
  const later = new Date(Date.now() + 9 * 3600_000 + 20 * 86_400_000).toISOString().slice(0, 10);
  await page.getByLabel('受講日').fill(later);
  await page.getByLabel('会場').fill('京都府医師会館');
  await page.getByLabel('都道府県').selectOption('26');
  await page.getByTestId('save-session').click();
  const item = page.getByTestId('org-sessions').locator('li', { hasText: title });
  await expect(item).toBeVisible();
  // Saved, the form starts afresh (what was typed is not sent again as another session).
  await expect(page.getByLabel('研修会名')).toHaveValue('');
  await item.getByTestId('edit-session').click();
  await expect(page.getByLabel('研修会名')).toHaveValue(title);
  await page.getByLabel('会場').fill('京都府医師会館 第2研修室');
  await page.getByTestId('save-session').click();
  await expect(item).toContainText('第2研修室');
  page.once('dialog', (d) => d.accept());
  await item.getByTestId('cancel-session').click();
  await expect(item.getByTestId('cancelled')).toBeVisible();
  await screen(page, 'organizer-cancelled-390');
  await page.goto(`/sessions?from=${later}`);
  await expect(page.locator('body')).not.toContainText(title);
});
