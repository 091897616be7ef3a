import { request } from '@playwright/test';
import { DEMO_PASSWORD, designate, expect, login, screen, test } from './helpers';

const procedures = ['occupational.renewal', 'sports.new'];

test('the preview computed in the browser equals the server decision', async ({ page }) => {
  await login(page, 'demo.physician@example.jp', DEMO_PASSWORD);
  await expect(page).toHaveURL(/\/mypage$/);
  // The sports course card is shown on request to a physician without sports units.
  await expect(page.getByTestId('decision-sports.new')).toHaveCount(0);
  await page.getByTestId('show-sports-new').click();
  for (const procedure of procedures) {
    const card = page.getByTestId(`decision-${procedure}`);
    await expect(card).toBeVisible();
    const shown = {
      eligible: (await card.getAttribute('data-eligible')) === 'true',
      unmet: (await card.getAttribute('data-unmet'))!.split(',').filter(Boolean).sort(),
      asOf: await card.getAttribute('data-as-of'),
    };
    const server = await page.evaluate(async ([p, asOf]) => {
      const r = await fetch(`/api/mypage/evaluate/${p}`, {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify({ as_of: asOf }),
      });
      return r.json();
    }, [procedure, shown.asOf]);
    expect(shown.eligible).toBe(server.eligible);
    expect(shown.unmet).toEqual([...server.unmet].sort());
  }
  await screen(page, 'mypage-demo-390');
});

test('a planned session changes the preview at once, in the browser', async ({ page }) => {
  await login(page, 'demo.physician@example.jp', DEMO_PASSWORD);
  const card = page.getByTestId('decision-occupational.renewal');
  await expect(card).toBeVisible();
  const before = await card.getAttribute('data-unmet');
  expect(before).toContain('lifelong.total');

  // Add enough planned specialised units to reach 20, without any request to the server.
  let requests = 0;
  page.on('request', (r) => { if (r.url().includes('/api/')) requests += 1; });
  await page.getByTestId('whatif-category').selectOption('occupational.lifelong.specialized');
  await page.getByTestId('whatif-units').fill('10');
  await page.getByTestId('whatif-add').click();
  await expect(page.getByTestId('whatif-active')).toBeVisible();
  await expect(card).toHaveAttribute('data-eligible', 'true');
  expect(requests).toBe(0);
  // What is planned is listed, and each can be taken out again.
  await expect(page.getByTestId('whatif-planned')).toContainText('生涯研修（専門）');
  await expect(page.getByTestId('whatif-planned')).toContainText('10 単位');
  await screen(page, 'mypage-whatif-390');
  await page.getByTestId('whatif-planned').getByRole('button', { name: '外す' }).click();
  await expect(page.getByTestId('whatif-active')).toHaveCount(0);
  await expect(card).toHaveAttribute('data-eligible', 'false');
});

test('a planned session is kept on the server, and its change and cancellation reach the physician', async ({ page, baseURL }) => {
  // Kyoto's organizer submits a session for tomorrow; Kyoto's staff designate it.
  const organizer = await request.newContext({ baseURL });
  await organizer.post('/api/auth/login', { data: { email: 'kyoto.organizer@example.jp', password: DEMO_PASSWORD } });
  const tomorrow = new Date(Date.now() + 9 * 3600_000 + 86400_000).toISOString().slice(0, 10);
  const form = {
    title: `予定の研修会 ${Date.now()}`,
    category: 'occupational.lifelong.specialized',
    units: '1',
    date: tomorrow,
    starts_at: '13:00',
    ends_at: '14:00',
    venue: '京都府医師会館',
    prefecture: '26',
    capacity: '100',
  };
  const made = await organizer.post('/api/organizer/sessions', { data: form });
  expect(made.ok(), await made.text()).toBeTruthy();
  const id = (await made.json()).id as number;
  await designate(baseURL!, id);

  // The physician plans it in the preview; it is still planned after a reload.
  await login(page, 'demo.physician@example.jp', DEMO_PASSWORD);
  const box = page.getByTestId(`plan-session-${id}`);
  const saved = page.waitForResponse((r) => r.url().endsWith(`/api/mypage/plans/${id}`) && r.request().method() === 'PUT');
  await box.check();
  expect((await saved).status()).toBe(204);
  await page.reload();
  await expect(page.getByTestId(`plan-session-${id}`)).toBeChecked();
  await expect(page.getByTestId('whatif-active')).toBeVisible();

  // The organizer moves it by an hour: My Page says what changed.
  const changed = await organizer.put(`/api/organizer/sessions/${id}`, { data: { ...form, starts_at: '14:00', ends_at: '15:00' } });
  expect(changed.ok(), await changed.text()).toBeTruthy();
  await page.reload();
  const notice = page.getByTestId('notice').first();
  await expect(notice).toContainText('予定している研修会が変更されました');
  await expect(notice).toContainText('14:00–15:00');
  await screen(page, 'mypage-plan-changed-390');
  // Cancelled: told again, and it leaves the preview's list.
  expect((await organizer.post(`/api/organizer/sessions/${id}/cancel`, { data: {} })).ok()).toBeTruthy();
  await page.reload();
  await expect(page.getByTestId('notice').first()).toContainText('中止');
  await expect(page.getByTestId(`plan-session-${id}`)).toHaveCount(0);
  await organizer.dispose();
});
