import { DEMO_PASSWORD, expect, login, logout, screen, test } from './helpers';

test('an organizer submits a session, Kyoto staff return it with a reason, then designate it', async ({ page }) => {
  const title = `指定の流れ ${Date.now()}`;
  const later = new Date(Date.now() + 9 * 3600_000 + 14 * 86_400_000).toISOString().slice(0, 10);
  await login(page, 'kyoto.organizer@example.jp', DEMO_PASSWORD);
  await page.goto('/organizer');
  await expect(page.getByText('都道府県医師会に指定を申請します')).toBeVisible();
  await page.getByLabel('研修会名').fill(title);
  await page.getByLabel('区分').selectOption('occupational.lifelong.update');
  // Three units in two hours: asked about before it is sent.
  await page.getByLabel('単位', { exact: true }).fill('3');
  await page.getByLabel('受講日').fill(later);
  await page.getByLabel('開始時刻').fill('13:00');
  await page.getByLabel('終了時刻').fill('15:00');
  await page.getByLabel('会場').fill('京都府医師会館');
  await page.getByLabel('都道府県').selectOption('26');
  await page.getByTestId('save-session').click();
  const questions = page.getByTestId('session-questions');
  await expect(questions).toContainText('120 分に収まりません');
  await screen(page, 'organizer-questions-390');
  // The organizer corrects the units instead.
  await page.getByLabel('単位', { exact: true }).fill('2');
  await page.getByTestId('save-session').click();
  const item = page.getByTestId('org-sessions').locator('li', { hasText: title });
  await expect(item.getByTestId('designation')).toHaveText('指定待ち');
  await expect(item.getByRole('link', { name: '受付' })).toHaveCount(0);
  await expect(questions).toHaveCount(0);
  // Not in the public list yet.
  await page.goto(`/sessions?from=${later}&prefecture=26`);
  await expect(page.getByTestId('sessions-none').or(page.getByTestId('sessions'))).toBeVisible();
  await expect(page.locator('body')).not.toContainText(title);
  await logout(page);

  // Kyoto's staff return it with a reason.
  await login(page, 'kyoto.staff@example.jp', DEMO_PASSWORD);
  await page.goto('/designation');
  const waiting = page.getByTestId('designation-item').filter({ hasText: title });
  await expect(waiting).toContainText('講師の単位付与なし');
  await screen(page, 'designation-queue-390');
  await expect(waiting.getByTestId('return-session')).toBeDisabled();
  await waiting.getByTestId('designation-reason').fill('講師の医籍登録番号を追記してください');
  await waiting.getByTestId('return-session').click();
  await expect(page.getByTestId('designation-done')).toContainText('差し戻しました');
  await expect(page.getByTestId('designation-item').filter({ hasText: title })).toHaveCount(0);
  await logout(page);

  // The organizer reads why, adds the lecturer and saves: submitted again.
  await login(page, 'kyoto.organizer@example.jp', DEMO_PASSWORD);
  await page.goto('/organizer');
  await expect(item.getByTestId('returned-reason')).toContainText('講師の医籍登録番号を追記してください');
  await expect(item.getByTestId('designation')).toHaveText('差し戻し');
  await screen(page, 'organizer-returned-390');
  await item.getByTestId('edit-session').click();
  await expect(page.getByLabel('研修会名')).toHaveValue(title);
  await page.getByLabel('講師').fill('400000');
  await page.getByTestId('save-session').click();
  await expect(item.getByTestId('designation')).toHaveText('指定待ち');
  await logout(page);

  // Staff designate it with the next number of Kyoto.
  await login(page, 'kyoto.staff@example.jp', DEMO_PASSWORD);
  await page.goto('/designation');
  const again = page.getByTestId('designation-item').filter({ hasText: title });
  await expect(again.getByTestId('designation-lecturers')).toContainText('400000');
  await again.getByTestId('designate').click();
  const year = new Date(Date.now() + 9 * 3600_000).toISOString().slice(0, 4);
  await expect(page.getByTestId('designation-done')).toContainText(`指定番号 26-${year}-`);
  await screen(page, 'designation-done-390');
  // A later addition is the prefecture's only after the posting window: for this session,
  // still to come, staff are told its organizer posts and corrects it.
  const number = (await page.getByTestId('designation-done').innerText()).match(/26-\d{4}-\d{4}/)![0];
  const late = page.getByTestId('late-addition');
  await late.locator('summary').click();
  await late.getByTestId('late-number').fill(number);
  await late.getByTestId('late-registry').fill('400000');
  await expect(late.getByTestId('late-add')).toBeDisabled();
  await late.getByTestId('late-reason').fill('主催者から受付簿の写しで連絡');
  await late.getByTestId('late-add').click();
  await expect(late.getByRole('alert')).toContainText('登録期限内');
  await late.getByTestId('late-number').fill('26-1999-9999');
  await late.getByTestId('late-add').click();
  await expect(late.getByRole('alert')).toContainText('26-1999-9999の研修会は見つかりません');
  await screen(page, 'late-addition-390');
  await logout(page);

  // Published, and the organizer's door is open.
  await login(page, 'kyoto.organizer@example.jp', DEMO_PASSWORD);
  await page.goto('/organizer');
  await expect(item.getByTestId('designation')).toHaveText('指定済み');
  await expect(item).toContainText(`指定番号 26-${year}-`);
  await expect(item.getByRole('link', { name: '受付' })).toBeVisible();
  await page.goto(`/sessions?from=${later}&prefecture=26`);
  await expect(page.getByTestId('sessions')).toContainText(title);
  await logout(page);

  // JMA sees every prefecture's waiting sessions, one prefecture at a time on request.
  await login(page, 'jma.staff@example.jp', DEMO_PASSWORD);
  await page.goto('/designation');
  const demo = page.getByTestId('designation-item').filter({ hasText: '産業医実地研修 職場巡視の実際' });
  await expect(demo).toBeVisible();
  await page.getByTestId('designation-prefecture').selectOption('13');
  await expect(page.getByTestId('designation-empty')).toBeVisible();
  await page.getByTestId('designation-prefecture').selectOption('26');
  await expect(demo).toBeVisible();
});
