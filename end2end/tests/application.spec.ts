import * as fs from 'node:fs';
import { DEMO_PASSWORD, checkPage, expect, login, logout, screen, test } from './helpers';

// physician06 (demo): Tokyo, occupational certificate valid, renewal units complete but 8 of
// them handbook-declared and not yet verified.
const PHYSICIAN = 'physician06@example.jp';
const PDF = Buffer.from('%PDF-1.4\n1 0 obj << /Type /Catalog >> endobj\ntrailer\n%%EOF\n');

test('a physician renews with an upload, corrects it when asked, the prefecture forwards, JMA approves, My Page shows the new period', async ({ page }) => {
  await login(page, PHYSICIAN, DEMO_PASSWORD);
  await expect(page).toHaveURL(/\/mypage$/);
  const card = page.getByTestId('certificate-occupational');
  const oldUntil = (await card.locator('dd').nth(1).innerText()).split('–')[1].trim();
  await card.getByTestId('apply-occupational').click();
  await expect(page).toHaveURL(/\/applications\/new\?kind=renewal&certification=occupational/);
  await expect(page.getByTestId('decision-occupational.renewal')).toHaveAttribute('data-eligible', 'true');
  await expect(page.getByTestId('fee-note')).toContainText('10,000円');
  await expect(page.getByTestId('handbook-send')).toBeVisible();

  // An executable renamed .pdf is refused in the browser, before any upload.
  await page.getByTestId('file-other').setInputFiles({ name: 'invoice.pdf', mimeType: 'application/pdf', buffer: Buffer.from('MZ\x90\x00 not a pdf') });
  await expect(page.getByTestId('upload-other')).toContainText('PDF・JPEG・PNG');
  // A real PDF uploads, with its name shown once stored.
  const uploaded = page.waitForResponse((r) => r.url().includes('/api/documents?') && r.status() === 201);
  await page.getByTestId('file-other').setInputFiles({ name: '活動報告.pdf', mimeType: 'application/pdf', buffer: PDF });
  await uploaded;
  await expect(page.getByTestId('upload-other')).toContainText('活動報告.pdf');
  await screen(page, 'application-form-390');
  // A first tap shows what will be sent and what follows; nothing is sent yet.
  let sent = 0;
  page.on('request', (r) => { if (r.method() === 'POST' && r.url().endsWith('/api/applications')) sent += 1; });
  await page.getByTestId('submit-application').click();
  await expect(page.getByTestId('confirm-application')).toContainText('10,000円');
  await expect(page.getByTestId('confirm-application')).toContainText('手帳の原本');
  await expect(page.getByTestId('confirm-application')).toContainText('添付書類 1件');
  await screen(page, 'application-confirm-390');
  expect(sent).toBe(0);
  await page.getByTestId('submit-application').click();
  await expect(page).toHaveURL(/\/applications\/\d+$/);
  expect(sent).toBe(1);
  const id = page.url().split('/').pop();
  await expect(page.getByTestId('application-status')).toHaveText('申請中');
  await expect(page.getByTestId('fee')).toContainText('10,000円');
  await expect(page.getByTestId('handbook-note')).toContainText('原本');
  // How to pay and where to send, from Tokyo's association.
  await expect(page.getByTestId('fee').getByTestId('office')).toContainText('みずほ銀行');
  await expect(page.getByTestId('handbook-note').getByTestId('office')).toContainText('東京都医師会 認定医係');
  await expect(page.getByTestId('documents')).toContainText('活動報告.pdf');
  await screen(page, 'application-submitted-390');
  await logout(page);

  // Tokyo staff: fee, handbook, each handbook credit, then forward.
  await login(page, 'tokyo.staff@example.jp', DEMO_PASSWORD);
  await page.goto('/review');
  // The overview: applications by status (each a filter, with the longest wait), the next
  // deadlines, the rounds.
  const waiting = page.getByTestId('count-submitted');
  await expect(waiting).toContainText('申請中');
  await expect(waiting.getByTestId('waiting')).toContainText('最長');
  await waiting.click();
  await expect(waiting).toHaveAttribute('aria-pressed', 'true');
  const listed = page.locator(`a[href="/review/${id}"]`);
  await expect(listed).toBeVisible();
  // What has arrived, at a glance: neither the fee nor the handbook yet.
  await expect(listed.getByTestId('received')).toContainText('手数料未受領');
  await expect(listed.getByTestId('received')).toContainText('手帳未着');
  await screen(page, 'review-dashboard-390');
  await waiting.click();
  await expect(waiting).toHaveAttribute('aria-pressed', 'false');
  // Found by the start of the name, typed in hiragana.
  await page.getByTestId('registry-filter').fill('わたなべ');
  await page.getByTestId('registry-filter').press('Tab');
  await expect(listed).toBeVisible();
  await page.getByTestId('registry-filter').fill('');
  await page.getByTestId('registry-filter').press('Tab');
  // The queue filters by certification: an occupational renewal is not among sports ones.
  await page.getByTestId('certification-filter').selectOption('sports');
  await expect(page.locator(`a[href="/review/${id}"]`)).toHaveCount(0);
  await page.getByTestId('certification-filter').selectOption('occupational');
  // Found by registry number (typed with full-width digits), and exported with the same filters.
  await page.getByTestId('registry-filter').fill('４０７４２２');
  await page.getByTestId('registry-filter').press('Tab');
  await expect(page.locator('a[href^="/review/"]')).toHaveCount(1);
  await expect(page.locator(`a[href="/review/${id}"]`)).toBeVisible();
  await screen(page, 'review-by-registry-390');
  const [download] = await Promise.all([page.waitForEvent('download'), page.getByTestId('queue-csv').click()]);
  const csv = fs.readFileSync(await download.path()).toString('utf8');
  expect(csv.split('\r\n')[0]).toContain('医籍登録番号');
  expect(csv).toContain(`${id},更新申請,認定産業医,申請中`);
  expect(csv).toContain('407422');
  await page.locator(`a[href="/review/${id}"]`).click();
  // First a correction request: the physician corrects and resubmits from their phone.
  await page.getByRole('textbox', { name: '訂正してほしい内容' }).fill('勤務先の電話番号を記入してください');
  await page.getByTestId('request-correction').click();
  await expect(page.getByTestId('application-status')).toContainText('訂正');
  await logout(page);
  await login(page, PHYSICIAN, DEMO_PASSWORD);
  await page.goto(`/applications/${id}`);
  await expect(page.getByTestId('correction-message')).toContainText('勤務先の電話番号');
  await page.getByTestId('resubmit').click();
  await expect(page).toHaveURL(new RegExp(`/applications/new\\?edit=${id}$`));
  await page.getByTestId('submit-application').click();
  await expect(page.getByTestId('confirm-application')).toBeVisible();
  await page.getByTestId('submit-application').click();
  await expect(page).toHaveURL(new RegExp(`/applications/${id}$`));
  await expect(page.getByTestId('application-status')).toHaveText('申請中');
  await expect(page.getByTestId('timeline')).toContainText('再提出');
  await logout(page);
  await login(page, 'tokyo.staff@example.jp', DEMO_PASSWORD);
  await page.goto(`/review/${id}`);
  await expect(page.getByTestId('blockers')).toContainText('審査・登録料');
  // With the checklist unmet the decision card never says 申請できます.
  await expect(page.getByTestId('decision-headline')).toHaveText('単位は満たしています（確認事項が未了）');
  await page.getByTestId('forward').click();
  await expect(page.getByTestId('review-error')).toContainText('研修手帳');
  await page.getByTestId('record-fee').click();
  await expect(page.getByTestId('fee')).toContainText('受領');
  // Recorded once: the fee is not offered again.
  await expect(page.getByTestId('record-fee')).toHaveCount(0);
  // 「確認できない」 asks for its reason on the page (no browser dialog); nothing is sent
  // without one, and cancelling leaves the credit as it was.
  let dialogs = 0;
  const counted = (d: import('@playwright/test').Dialog) => { dialogs += 1; void d.dismiss(); };
  page.on('dialog', counted);
  await page.locator('[data-testid^="reject-"]').first().click();
  await expect(page.getByTestId('reject-reason')).toBeVisible();
  await expect(page.getByTestId('reject-send')).toBeDisabled();
  await page.getByRole('button', { name: 'やめる' }).click();
  await expect(page.getByTestId('reject-reason')).toHaveCount(0);
  page.off('dialog', counted);
  expect(dialogs).toBe(0);
  await page.getByTestId('record-handbook').click();
  await expect(page.getByTestId('handbook-note')).toContainText('原本到着');
  const verify = page.locator('[data-testid^="verify-"]');
  while ((await verify.count()) > 0) {
    const before = await verify.count();
    await verify.first().click();
    await expect(verify).toHaveCount(before - 1);
  }
  await expect(page.getByTestId('checklist-complete')).toBeVisible();
  await expect(page.getByTestId('decision-headline')).toHaveText('要件とチェックリストがそろっています');
  await screen(page, 'review-prefecture-390');
  await page.getByTestId('forward').click();
  await expect(page.getByTestId('application-status')).toHaveText('日医審査中');
  await logout(page);

  // JMA approves.
  await login(page, 'jma.staff@example.jp', DEMO_PASSWORD);
  await page.goto('/review');
  await page.locator(`a[href="/review/${id}"]`).click();
  await screen(page, 'review-jma-390');
  await page.getByTestId('approve').click();
  await expect(page.getByTestId('application-status')).toHaveText('承認');
  // The round report counts it, and its round's CSV gives the certificate number.
  await page.goto('/review');
  await expect(page.getByTestId('round-approved').first()).toBeVisible();
  await screen(page, 'review-rounds-jma-390');
  const links = await page.getByTestId('round-csv').evaluateAll((as) => as.map((a) => (a as HTMLAnchorElement).href));
  let roundText = '';
  for (const href of links) {
    const text = await (await page.request.get(href)).text();
    if (text.includes(`\n${id},`)) roundText = text;
  }
  expect(roundText.split('\r\n')[0]).toContain('認定証番号');
  expect(roundText).toMatch(new RegExp(`${id},更新申請,認定産業医,承認,.*,S\\d{6}\r\n`));
  await logout(page);

  // The physician sees the approval and the new period at once.
  await login(page, PHYSICIAN, DEMO_PASSWORD);
  await page.goto(`/applications/${id}`);
  await expect(page.getByTestId('granted')).toBeVisible();
  const granted = await page.getByTestId('granted').innerText();
  const [, from, until] = granted.match(/(\d{4}-\d{2}-\d{2}) – (\d{4}-\d{2}-\d{2})/)!;
  const steps = page.getByTestId('timeline').locator('li');
  await expect(steps.first()).toContainText('申請');
  await expect(steps.last()).toContainText('承認');
  // The fee step names how it was paid, not its code.
  await expect(page.getByTestId('timeline')).toContainText('窓口');
  await screen(page, 'application-approved-390');
  await page.goto('/mypage');
  const dates = await page.getByTestId('certificate-occupational').locator('dd').nth(1).innerText();
  expect(dates).toContain(until);
  expect(until > oldUntil).toBe(true);
  // The new period follows on from the old expiry.
  const dayAfter = new Date(oldUntil + 'T00:00:00Z');
  dayAfter.setUTCDate(dayAfter.getUTCDate() + 1);
  expect(from).toBe(dayAfter.toISOString().slice(0, 10));
});

test('a lapsed sports physician applies anew (no renewal dead end), then withdraws, and nothing more is asked', async ({ page }) => {
  // physician16 (demo): Tokyo member, sports certificate expired two years ago.
  await login(page, 'physician16@example.jp', DEMO_PASSWORD);
  await expect(page).toHaveURL(/\/mypage$/);
  const card = page.getByTestId('certificate-sports');
  await expect(card).toContainText('失効');
  await expect(card.getByTestId('apply-sports')).toHaveText('新規に申請する');
  await expect(page.getByTestId('decision-sports.new')).toBeVisible();
  await card.getByTestId('apply-sports').click();
  await expect(page).toHaveURL(/\/applications\/new\?kind=new&certification=sports/);
  await expect(page.getByLabel('期限後の申請の特別な理由（猶予期間）')).toHaveCount(0);

  // By the JOA exemption, with its certificate.
  await page.getByLabel('他団体の認定による免除').selectOption('joa');
  const uploaded = page.waitForResponse((r) => r.url().includes('/api/documents?') && r.status() === 201);
  await page.getByTestId('file-exemption_certificate').setInputFiles({ name: '整形外科学会認定証.pdf', mimeType: 'application/pdf', buffer: PDF });
  await uploaded;
  await expect(page.getByTestId('decision-sports.new')).toHaveAttribute('data-eligible', 'true');
  await checkPage(page);
  await page.getByTestId('submit-application').click();
  await checkPage(page);
  await expect(page.getByTestId('confirm-application')).toBeVisible();
  await page.getByTestId('submit-application').click();
  await expect(page).toHaveURL(/\/applications\/\d+$/);
  await expect(page.getByTestId('application-status')).toHaveText('申請中');
  await expect(page.getByTestId('fee')).toContainText('10,000円');
  await screen(page, 'application-sports-new-390');
  await checkPage(page);

  // My Page says it is under way, with its status, instead of offering to apply again.
  await page.goto('/mypage');
  await expect(page.getByTestId('under-way-sports')).toContainText('申請の状況：申請中');
  await expect(page.getByTestId('apply-sports')).toHaveCount(0);
  await expect(page.getByTestId('decision-sports.new').getByTestId('decision-under-way')).toBeVisible();
  await screen(page, 'mypage-under-way-390');
  await checkPage(page);
  // (Opened by its address: a full-page screenshot in Chromium's phone emulation can leave the
  // next page's layout wider than the screen, which made the next tap miss.)
  const link = await page.getByTestId('under-way-sports').getAttribute('href');
  expect(link).toMatch(/^\/applications\/\d+$/);
  await page.goto(link!);
  await expect(page.getByTestId('application-status')).toHaveText('申請中');

  // Withdrawn: the fee is no longer asked for.
  await checkPage(page);
  page.once('dialog', (d) => d.accept());
  await page.getByTestId('withdraw').click();
  await expect(page.getByTestId('application-status')).toHaveText('取下げ');
  await expect(page.getByTestId('fee')).toHaveCount(0);
  await expect(page.getByTestId('handbook-note')).toHaveCount(0);
});

test('a renewal years before expiry is not offered: My Page says the day it opens', async ({ page }) => {
  // physician12 (demo): occupational certificate valid for about 900 more days.
  await login(page, 'physician12@example.jp', DEMO_PASSWORD);
  const card = page.getByTestId('certificate-occupational');
  await expect(card.getByTestId('renewal-opens-occupational')).toContainText('更新の申請は');
  await expect(card.getByTestId('apply-occupational')).toHaveCount(0);
  const decision = page.getByTestId('decision-occupational.renewal');
  await expect(decision).toHaveAttribute('data-eligible', 'false');
  await expect(decision).toContainText('から受け付けます');
  await screen(page, 'mypage-renewal-not-open-390');
});
