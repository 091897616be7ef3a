import { test } from '@playwright/test';
import { expect, screen } from './helpers';

test('anyone finds upcoming sessions by prefecture and category', async ({ page }) => {
  await page.goto('/');
  await page.getByTestId('link-sessions').click();
  await expect(page).toHaveURL(/\/sessions$/);
  const list = page.getByTestId('sessions');
  await expect(list).toContainText('健康スポーツ医 再研修会');
  await expect(list).toContainText('産業医実地研修 作業環境測定');
  // Past sessions are not listed from today.
  await expect(list).not.toContainText('治療と仕事の両立支援');

  await page.getByTestId('filter-prefecture').selectOption('13');
  await expect(list).toContainText('健康スポーツ医 再研修会');
  await expect(list).not.toContainText('京都府');
  await page.getByTestId('filter-category').selectOption('sports.refresher');
  await expect(list.locator('li')).toHaveCount(1);
  await screen(page, 'sessions-390');
  await page.getByTestId('filter-prefecture').selectOption('26');
  await expect(page.getByTestId('sessions-none')).toBeVisible();
});
