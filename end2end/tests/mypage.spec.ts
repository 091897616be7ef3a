import * as fs from 'node:fs';
import { DEMO_PASSWORD, expect, login, registerPhysician, screen, uniqueRegistry, verifyPhysician, test } from './helpers';

test('declare handbook units, see totals and readiness change, export CSV, show the QR code', async ({ page }) => {
  const registry = uniqueRegistry();
  await registerPhysician(page, registry, `hb-${registry}@example.jp`);
  await verifyPhysician(page, registry, `hb-${registry}@example.jp`);

  const generalSubject = page.getByTestId('decision-occupational.new').locator('li[data-code="basic.early.subject.general"]');
  await expect(generalSubject).not.toHaveClass(/met/);

  // A handbook unit after March 2025 is refused, with the reason.
  await page.getByTestId('link-handbook').click();
  await expect(page.getByRole('heading', { name: '手帳の単位（手帳管理）' })).toBeVisible();
  await page.getByLabel('受講日').fill('2025-04-01');
  await page.getByLabel('区分').selectOption('occupational.basic.early');
  await page.getByLabel('科目').selectOption('general');
  await page.getByLabel('単位', { exact: true }).fill('2');
  await page.getByLabel('主催者（手帳の記載どおり）').fill('東京都医師会');
  await page.getByTestId('handbook-submit').click();
  await expect(page.getByTestId('error-date')).toContainText('2025年3月31日');

  // Within the handbook period it is accepted and listed as not yet verified; 99 units in one
  // entry is asked about first, and nothing is sent until answered.
  await page.getByLabel('受講日').fill('2024-10-05');
  await page.getByLabel('単位', { exact: true }).fill('99');
  let sent = 0;
  page.on('request', (r) => { if (r.method() === 'POST' && r.url().includes('/api/mypage/handbook')) sent += 1; });
  await page.getByTestId('handbook-submit').click();
  await expect(page.getByTestId('handbook-large')).toContainText('99');
  expect(sent).toBe(0);
  await page.getByLabel('単位', { exact: true }).fill('2');
  await expect(page.getByTestId('handbook-large')).toHaveCount(0);
  await page.getByTestId('handbook-submit').click();
  await expect(page.getByTestId('handbook-saved')).toBeVisible();
  await expect(page.getByTestId('handbook-list')).toContainText('未確認');
  await expect(page.getByTestId('handbook-list')).toContainText('総論');
  await expect(page.getByTestId('handbook-delivery')).toHaveValue('in_person');
  await screen(page, 'handbook-390');

  // Correct it: 2 → 2.5 units; the form comes into view, the list shows the corrected entry
  // only, and the total follows.
  await page.getByRole('button', { name: '修正' }).click();
  await expect(page.locator('#handbook-form')).toBeInViewport();
  await page.getByLabel('単位', { exact: true }).fill('2.5');
  await page.getByTestId('handbook-submit').click();
  await expect(page.getByTestId('handbook-list')).toContainText('2.5 単位');
  await expect(page.getByTestId('handbook-list').locator('li')).toHaveCount(1);
  await expect(page.getByTestId('handbook-total')).toContainText('合計 2.5 単位');

  // The readiness on My Page now counts the handbook unit.
  await page.goto('/mypage');
  await expect(generalSubject).toHaveClass(/met/);
  await expect(page.getByTestId('decision-occupational.new')).toContainText('手帳の単位（未確認）を含みます');

  // History: totals per category and the CSV export.
  await page.goto('/mypage/history');
  await expect(page.getByTestId('totals')).toContainText('基礎研修（前期）');
  await expect(page.getByTestId('grand-total')).toContainText('2.5');
  await screen(page, 'history-390');
  const [download] = await Promise.all([page.waitForEvent('download'), page.getByTestId('csv-link').click()]);
  const csv = fs.readFileSync((await download.path())!);
  expect([...csv.subarray(0, 3)]).toEqual([0xef, 0xbb, 0xbf]);
  const text = csv.subarray(3).toString('utf8');
  expect(text.split('\r\n')[0]).toBe('受講日,区分,科目,単位,受講形式,登録元,確認状況,研修会,主催者,更新使用済,メモ');
  expect(text).toContain('2024-10-05,基礎研修（前期）,総論,2.5,対面,手帳,未確認');

  // The printable transcript.
  await page.goto('/mypage/transcript');
  await expect(page.getByTestId('transcript')).toContainText('総論');

  // The personal QR code: large, signed, short-lived.
  await page.goto('/mypage/qr');
  const qr = page.getByTestId('qr');
  await expect(qr.locator('svg')).toBeVisible();
  expect(await qr.getAttribute('data-token')).toMatch(/^N1\./);
  const box = await qr.locator('svg').boundingBox();
  expect(box!.width).toBeGreaterThanOrEqual(280);
  // A live countdown, not a fixed 「約5分」.
  await expect(page.getByTestId('qr-expires')).toContainText(/[45]分\d\d秒/);
  await screen(page, 'qr-390');

  // In a hall without network the code stays, with the time it still works.
  const token = await qr.getAttribute('data-token');
  await page.context().setOffline(true);
  await page.evaluate(() => window.dispatchEvent(new Event('focus')));
  await expect(page.getByTestId('qr-offline')).toContainText('あと');
  expect(await qr.getAttribute('data-token')).toBe(token);
  // Offline is not logged out: the header keeps the physician's links.
  await expect(page.getByTestId('logout')).toBeVisible();
  await screen(page, 'qr-offline-390');
  await page.context().setOffline(false);
  await page.evaluate(() => window.dispatchEvent(new Event('online')));
  await expect(page.getByTestId('qr-offline')).toHaveCount(0);
});

test('a 40-year ledger: My Page, history, CSV and transcript show hundreds of units', async ({ page }) => {
  // The demo veteran: certified since 1986, 39 years of handbook units and recent ones (332).
  await login(page, 'veteran.physician@example.jp', DEMO_PASSWORD);
  await expect(page).toHaveURL(/\/mypage$/);
  await expect(page.getByTestId('decision-occupational.renewal')).toBeVisible();

  await page.goto('/mypage/history');
  await expect(page.getByTestId('grand-total')).toContainText('332');
  // 生涯研修（専門） alone holds 172 units; nothing is reported as a network error.
  await expect(page.getByTestId('totals')).toContainText('172');
  await expect(page.getByText('通信できませんでした')).toHaveCount(0);
  await screen(page, 'history-veteran-390');
  // 122 rows, a page at a time: the next page opens.
  await expect(page.getByText('1 / 5')).toBeVisible();
  await page.getByRole('button', { name: '次へ' }).click();
  await expect(page.getByText('2 / 5')).toBeVisible();
  await expect(page.getByRole('button', { name: '前へ' })).toBeEnabled();

  const [download] = await Promise.all([page.waitForEvent('download'), page.getByTestId('csv-link').click()]);
  const csv = fs.readFileSync((await download.path())!).subarray(3).toString('utf8');
  const lines = csv.split('\r\n').filter((l) => l.length > 0);
  expect(lines.length).toBe(1 + 39 * 3 + 5);
  expect(csv).toContain('1986-05-15,生涯研修（更新）');

  await page.goto('/mypage/transcript');
  await expect(page.getByTestId('transcript')).toContainText('1986');
  await expect(page.getByTestId('transcript-total')).toContainText('332');
});
