import { DEMO_PASSWORD, checkPage, expect, login, screen, test } from './helpers';

test('anyone finds upcoming sessions by prefecture and category', async ({ page }) => {
  await page.goto('/');
  await page.getByTestId('link-sessions').click();
  await expect(page).toHaveURL(/\/sessions(\?|$)/);
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

test('a physician finds sessions of their prefecture, opens one, and comes back to the same search', async ({ page }) => {
  // demo.physician is in Kyoto: Kyoto is chosen for them, and the choice is in the address.
  await login(page, 'demo.physician@example.jp', DEMO_PASSWORD);
  await page.goto('/sessions');
  await expect(page.getByTestId('filter-prefecture')).toHaveValue('26');
  await expect(page).toHaveURL(/prefecture=26/);
  const list = page.getByTestId('sessions');
  await expect(list).toContainText('産業医実地研修 作業環境測定');
  await expect(list).not.toContainText('東京都医師会館');
  // Clearing the date is no error (it was sent as from= and refused).
  await page.locator('#f-from').fill('');
  await page.locator('#f-from').dispatchEvent('change');
  await expect(list).toContainText('産業医実地研修 作業環境測定');
  await page.getByTestId('filter-category').selectOption('occupational.lifelong.practical');
  await expect(page).toHaveURL(/category=occupational\.lifelong\.practical/);
  await list.getByTestId('session-link').filter({ hasText: '作業環境測定' }).click();
  const detail = page.getByTestId('session-detail');
  await expect(detail).toContainText('京都府医師会館 研修室');
  await expect(detail).toContainText('2単位');
  await expect(detail).toContainText('会場で対面');
  await expect(detail).toContainText('京都府医師会');
  // Where to ask: the organizer's contact.
  await expect(page.getByTestId('session-contact')).toContainText('@example.jp');
  await screen(page, 'session-detail-390');
  await checkPage(page);
  await page.getByTestId('back').click();
  await expect(page).toHaveURL(/category=occupational\.lifelong\.practical/);
  await expect(page.getByTestId('filter-category')).toHaveValue('occupational.lifelong.practical');
  // Every prefecture, on purpose: not chosen again.
  await page.getByTestId('filter-prefecture').selectOption('all');
  await page.reload();
  await expect(page.getByTestId('filter-prefecture')).toHaveValue('all');
});
