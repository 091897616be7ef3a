import { test } from '@playwright/test';
import { DEMO_PASSWORD, expect, login, screen } from './helpers';

/** Today in Japan, as the server sees it. */
function todayJst(): string {
  return new Date(Date.now() + 9 * 3600_000).toISOString().slice(0, 10);
}

test('check in at the door: record, duplicate, network drop with queue, reload, review and post', async ({ page, context }) => {
  await login(page, 'kyoto.organizer@example.jp', DEMO_PASSWORD);
  await page.goto('/organizer');
  const title = `受付テスト ${Date.now()}`;
  await page.getByLabel('研修会名').fill(title);
  await page.getByLabel('区分').selectOption('occupational.lifelong.specialized');
  await page.getByLabel('単位', { exact: true }).fill('1');
  await page.getByLabel('受講日').fill(todayJst());
  await page.getByLabel('開始時刻').fill('00:00');
  await page.getByLabel('終了時刻').fill('23:59');
  await page.getByLabel('会場').fill('京都府医師会館');
  await page.getByLabel('都道府県').selectOption('26');
  await page.getByLabel('指定番号').fill('26-9999');
  await page.getByRole('button', { name: '研修会を登録' }).click();
  const item = page.getByTestId('org-sessions').locator('li', { hasText: title });
  await expect(item).toBeVisible();
  await item.getByRole('link', { name: '受付' }).click();
  await expect(page).toHaveURL(/\/checkin$/);

  // The demo physician (registry number 400000) checks in.
  await page.getByTestId('checkin-number').fill('400000');
  await page.getByTestId('checkin-record').click();
  await expect(page.getByTestId('feedback')).toContainText('山田 美咲');
  await expect(page.getByTestId('feedback')).toContainText('入室を記録しました');
  await screen(page, 'checkin-390');

  // The same person again: an unmistakable "already" message.
  await page.getByTestId('checkin-number').fill('400000');
  await page.getByTestId('checkin-record').click();
  await expect(page.getByTestId('feedback')).toContainText('すでに');

  // The network drops: the check-out is kept on the device, survives a reload, and is sent later.
  await context.setOffline(true);
  await page.getByTestId('mode-out').click();
  await page.getByTestId('checkin-number').fill('400000');
  await page.getByTestId('checkin-record').click();
  await expect(page.getByTestId('queued')).toContainText('未送信 1件');
  await screen(page, 'checkin-offline-390');
  // Still unreachable after a reload (requests to it fail): the queued scan is still there.
  const scans = '**/api/organizer/sessions/*/scans';
  await page.route(scans, (route) => route.abort('internetdisconnected'));
  await context.setOffline(false);
  await page.reload();
  await expect(page.getByTestId('queued')).toContainText('未送信 1件');
  // Back: the page sends it by itself within a few seconds.
  await page.unroute(scans);
  await expect(page.getByTestId('queued')).toHaveCount(0, { timeout: 15_000 });
  await expect(page.getByTestId('feedback')).toContainText('退室を記録しました');

  // Review: checked in hours after the 00:00 start, so partial attendance; grant it with a reason
  // and post.
  await page.goto(page.url().replace(/checkin$/, 'review'));
  const row = page.getByTestId('attendance').locator('li[data-registry="400000"]');
  await expect(row).toContainText('一部出席');
  await row.getByRole('textbox').fill('終日開催のため途中退室を認める');
  await page.getByTestId('post').click();
  await expect(page.getByTestId('posted')).toContainText('1件の単位を登録しました');
  await screen(page, 'review-390');
});
