import { execFileSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { chromium, type Page } from '@playwright/test';
import { qrVideo } from './camera';
import { DEMO_PASSWORD, checkPage, expect, login, logout, openTodaysSession, screen, test, todayJst } from './helpers';

test('check in at the door: record, duplicate, network drop with queue, reload, review and post', async ({ page, context }) => {
  const title = `受付テスト ${Date.now()}`;
  await openTodaysSession(page, title);

  // The demo physician (registry number 400000) checks in.
  await page.getByTestId('checkin-number').fill('400000');
  await page.getByTestId('checkin-record').click();
  await expect(page.getByTestId('feedback')).toContainText('山田 美咲');
  await expect(page.getByTestId('feedback')).toContainText('入室を記録しました');
  // The live count and the list of who is in follow at once.
  await expect(page.getByTestId('inside-count')).toHaveText('1');
  await expect(page.getByTestId('inside-list')).toContainText('山田 美咲');
  await screen(page, 'checkin-390');
  await checkPage(page);

  // A mistyped number is refused with what to do, not a general error.
  await page.getByTestId('checkin-number').fill('40000O');
  await page.getByTestId('checkin-record').click();
  await expect(page.getByTestId('feedback')).toContainText('医籍登録番号は数字');

  // The same person again: an unmistakable "already" message.
  await page.getByTestId('checkin-number').fill('400000');
  await page.getByTestId('checkin-record').click();
  await expect(page.getByTestId('feedback')).toContainText('すでに');

  // No code, no number at hand: found by full name (hiragana works) and date of birth.
  await page.getByTestId('lookup-name').fill('さとう たろう');
  await page.getByTestId('lookup-birth').fill('1961-02-02');
  await page.getByTestId('lookup-search').click();
  await page.getByTestId('lookup-hits').getByRole('button', { name: /401237/ }).click();
  await expect(page.getByTestId('feedback')).toContainText('佐藤 太郎');
  await expect(page.getByTestId('feedback')).toContainText('入室を記録しました');
  await expect(page.getByTestId('inside-count')).toHaveText('2');
  // Who is in, searched by kana typed in hiragana.
  await page.getByTestId('inside-find').fill('さとう');
  await expect(page.getByTestId('inside-person')).toHaveCount(1);
  await expect(page.getByTestId('inside-list')).toContainText('佐藤 太郎');
  await screen(page, 'checkin-inside-390');
  await page.getByTestId('inside-find').fill('');
  // Wrong person: undone from their records (the right row), with a reason (the confirm waits
  // for one).
  await page.getByTestId('feedback').getByTestId('person-history').click();
  await expect(page.getByTestId('history').getByTestId('history-line')).toHaveCount(1);
  await page.getByTestId('history').getByTestId('undo').click();
  await expect(page.getByTestId('reason-confirm')).toBeDisabled();
  await page.getByTestId('reason').fill('同姓同名の別人を記録した');
  await page.getByTestId('reason-confirm').click();
  await expect(page.getByTestId('feedback')).toContainText('取り消しました');
  await expect(page.getByTestId('history')).toContainText('取り消し済み');
  await expect(page.getByTestId('inside-count')).toHaveText('1');

  // The network drops: the check-out is kept on the device, survives a reload, and is sent later.
  await context.setOffline(true);
  await page.getByTestId('mode-out').click();
  await page.getByTestId('checkin-number').fill('400000');
  await page.getByTestId('checkin-record').click();
  await expect(page.getByTestId('queued')).toContainText('未送信 1件');
  // Offline, the counts already take the held check-out into account.
  await expect(page.getByTestId('inside-count')).toHaveText('0');
  await expect(page.getByTestId('out-count')).toHaveText('1');
  await screen(page, 'checkin-offline-390');
  // Still unreachable after a reload (requests to it fail): the queued scan is still there.
  const scans = '**/api/organizer/sessions/*/scans';
  await page.route(scans, (route) => route.abort('internetdisconnected'));
  await context.setOffline(false);
  await page.reload();
  await expect(page.getByTestId('queued')).toContainText('未送信 1件');
  await expect(page.getByTestId('inside-count')).toHaveText('0');
  // Back: the page sends it by itself within a few seconds.
  await page.unroute(scans);
  await expect(page.getByTestId('queued')).toHaveCount(0, { timeout: 15_000 });
  await expect(page.getByTestId('feedback')).toContainText('退室を記録しました');

  // Review: checked in hours after the 00:00 start, so partial attendance.
  await page.goto(page.url().replace(/checkin$/, 'review'));
  const row = page.getByTestId('attendance').locator('li[data-registry="400000"]');
  await expect(row).toContainText('一部出席');

  // A paper sheet from the side entrance: the dry run reports every bad line; nothing is written
  // until it is clean.
  const sheet = page.getByTestId('paper-import');
  const [template] = await Promise.all([page.waitForEvent('download'), sheet.getByTestId('import-template').click()]);
  const blank = fs.readFileSync(await template.path()).toString('utf8');
  expect(blank).toBe('\ufeff医籍登録番号,氏名,入室,退室\r\n');
  // A sheet can say they left early (so partial), not at a time still to come.
  const left = '00:10';
  await sheet.getByTestId('import-text').fill('医籍登録番号,氏名,入室,退室\n402474,鈴木 恵,00:00,23:59\n12x,誰か,1pm,\n');
  await sheet.getByTestId('import-check').click();
  await expect(sheet.getByTestId('import-report')).toContainText('問題のある行 2件');
  await expect(sheet.getByTestId('import-report')).toContainText('まだ来ていない時刻');
  await sheet.getByTestId('import-text').fill(`医籍登録番号,氏名,入室,退室\n402474,鈴木 恵,00:00,${left}\n12x,誰か,1pm,\n`);
  await sheet.getByTestId('import-check').click();
  await expect(sheet.getByTestId('import-report')).toContainText('問題のある行 1件');
  await expect(sheet.getByTestId('import-report')).toContainText('3行目');
  await expect(sheet.getByTestId('import-run')).toHaveCount(0);
  await sheet.getByTestId('import-text').fill(`医籍登録番号,氏名,入室,退室\n402474,鈴木 恵,00:00,${left}\n`);
  await sheet.getByTestId('import-check').click();
  await expect(sheet.getByTestId('import-report')).toContainText('取り込める行 1件');
  await screen(page, 'import-390');
  await sheet.getByTestId('import-run').click();
  await expect(sheet.getByTestId('import-report')).toContainText('2件の記録を取り込みました');
  const suzukiRow = page.getByTestId('attendance').locator('li[data-registry="402474"]');
  await expect(suzukiRow).toContainText('一部出席');

  // Grant the partial attendees with a reason and post: 400000 and 402474.
  // One reason for both, filled into each row's field at once.
  await page.getByTestId('bulk-reason').fill('終日開催のため途中退室を認める');
  await page.getByTestId('bulk-apply').click();
  await expect(row.getByRole('textbox')).toHaveValue('終日開催のため途中退室を認める');
  await expect(suzukiRow.getByRole('textbox')).toHaveValue('終日開催のため途中退室を認める');
  await expect(page.getByTestId('attendance-totals')).toContainText('一部出席 2');
  await page.getByTestId('post').click();
  // The first tap says what will be posted; the second posts.
  await expect(page.getByTestId('post-summary')).toContainText('2名に1単位ずつ登録します');
  await screen(page, 'review-post-summary-390');
  await page.getByTestId('post-confirm').click();
  await expect(page.getByTestId('posted')).toContainText('2件の単位を登録しました');
  await screen(page, 'review-390');
  await checkPage(page);

  // After posting, corrections need a reason and add ledger entries. 401237's check-in was
  // undone at the door, but the desk's paper log shows they attended: added as not listed.
  await expect(page.getByTestId('attendance').locator('li[data-registry="401237"]')).toHaveCount(0);
  const unlisted = page.getByTestId('add-unlisted');
  await unlisted.getByTestId('add-number').fill('401237');
  await expect(unlisted.getByRole('button')).toBeDisabled();
  await unlisted.getByTestId('add-reason').fill('受付簿で出席を確認（読み取りを誤って取り消した）');
  await unlisted.getByRole('button').click();
  await expect(page.getByTestId('corrected')).toContainText('401237');
  const sato = page.getByTestId('attendance').locator('li[data-registry="401237"]');
  await expect(sato).toContainText('単位登録済');
  // And a withdrawal, from the attendee's row.
  const suzuki = page.getByTestId('attendance').locator('li[data-registry="402474"]');
  await suzuki.getByTestId('withdraw').click();
  await suzuki.getByTestId('reason').fill('別の研修会の出席簿だった');
  await suzuki.getByTestId('reason-confirm').click();
  await expect(suzuki).toContainText('単位なし');
  await screen(page, 'corrected-390');

  // The attendance record, as CSV and as PDF.
  const [csvDownload] = await Promise.all([page.waitForEvent('download'), page.getByTestId('attendance-csv').click()]);
  const attendanceCsv = fs.readFileSync(await csvDownload.path()).toString('utf8');
  expect(attendanceCsv.split('\r\n')[0]).toBe('\ufeff医籍登録番号,氏名,フリガナ,入室,退室,出席,講師,単位登録済');
  expect(attendanceCsv).toContain('400000,山田 美咲');
  const [pdfDownload] = await Promise.all([page.waitForEvent('download'), page.getByTestId('attendance-pdf').click()]);
  const pdfPath = await pdfDownload.path();
  expect(fs.readFileSync(pdfPath).subarray(0, 5).toString()).toBe('%PDF-');
  const pdfText = execFileSync('pdftotext', ['-layout', pdfPath, '-']).toString('utf8');
  expect(pdfText).toContain(title);
  expect(pdfText).toContain('佐藤 太郎');

  // The physician (400000) sees the unit on My Page's history at once.
  await logout(page);
  await login(page, 'demo.physician@example.jp', DEMO_PASSWORD);
  await page.goto('/mypage/history');
  await expect(page.getByText(title).first()).toBeVisible();
  await screen(page, 'history-posted-unit-390');
});

test('a helper checks people in through a link with the phone camera, offline too', async ({ page, request, baseURL }) => {
  // The physician's My Page QR code, as their phone shows it.
  await request.post('/api/auth/login', { data: { email: 'physician03@example.jp', password: DEMO_PASSWORD } });
  const qr = await (await request.get('/api/mypage/qr')).json();
  const name = (await (await request.get('/api/mypage')).json()).profile.name_kanji as string;
  const video = qrVideo(qr.token);

  // The organizer makes a helper link for today's session.
  const title = `カメラ受付 ${Date.now()}`;
  await openTodaysSession(page, title);
  const doors = page.getByTestId('door-links');
  await doors.getByLabel('端末の名前').fill('受付2 佐藤');
  await doors.getByTestId('door-create').click();
  const link = await doors.getByTestId('door-url').inputValue();
  expect(link).toMatch(/\/door#.{20,}$/);
  // Pairing: the helper's camera reads the link from the organizer's screen (zbar reads it here).
  const shot = path.join(fs.mkdtempSync(path.join(os.tmpdir(), 'nintei-pair-')), 'pair.png');
  await doors.getByTestId('door-qr').screenshot({ path: shot });
  expect(execFileSync('zbarimg', ['-q', '--raw', shot]).toString().trim()).toBe(link);
  await expect(doors.getByTestId('door-link')).toContainText('受付2 佐藤');

  // The helper's phone: no login, a camera that sees the physician's code.
  const browser = await chromium.launch({
    executablePath: '/usr/bin/chromium',
    args: [
      '--no-sandbox',
      '--disable-gpu',
      '--use-fake-ui-for-media-stream',
      '--use-fake-device-for-media-stream',
      `--use-file-for-fake-video-capture=${video}`,
    ],
  });
  try {
    const helperContext = await browser.newContext({
      baseURL,
      viewport: { width: 390, height: 844 },
      isMobile: true,
      hasTouch: true,
      locale: 'ja-JP',
      timezoneId: 'Asia/Tokyo',
    });
    const helper = await helperContext.newPage();
    await helper.goto(link);
    await expect(helper.getByTestId('door-session')).toContainText(title);
    await expect(helper.getByTestId('door-session')).toContainText('受付2 佐藤');
    await helper.getByTestId('camera-start').click();
    const feedback = helper.getByTestId('feedback');
    await expect(feedback).toContainText(name);
    await expect(feedback).toContainText('入室を記録しました');
    await screen(helper, 'door-camera-390');
    await checkPage(helper);
    // The code stays in front of the camera: read again, it is a duplicate, not a new record.
    await expect(feedback).toContainText('すでに', { timeout: 20_000 });
    await expect(feedback).toContainText('入室済み');

    // The network drops: the check-out is verified on the phone, shown by name, queued once.
    await helperContext.setOffline(true);
    await helper.getByTestId('mode-out').click();
    await expect(helper.getByTestId('queued')).toContainText('未送信 1件', { timeout: 20_000 });
    await expect(feedback).toContainText(name);
    // Read again while still offline: not queued twice.
    await expect(feedback).toContainText('送信待ち', { timeout: 20_000 });
    await expect(helper.getByTestId('queued')).toContainText('未送信 1件');
    await helper.getByTestId('camera-stop').click();
    await screen(helper, 'door-offline-390');
    await helperContext.setOffline(false);
    await expect(helper.getByTestId('queued')).toHaveCount(0, { timeout: 15_000 });
    await expect(feedback).toContainText('退室を記録しました');

    // The organizer sees the attendee, then revokes the link: the helper's page closes.
    await page.goto(page.url().replace(/checkin$/, 'review'));
    await expect(page.getByTestId('attendance')).toContainText(name);
    await page.goBack();
    page.once('dialog', (d) => d.accept());
    await page.getByTestId('door-links').getByRole('button', { name: '取り消す' }).click();
    await expect(page.getByTestId('door-links')).toContainText('取り消し済み');
    await helper.reload();
    await expect(helper.getByTestId('door-closed')).toContainText('主催者に新しいリンク');
    await screen(helper, 'door-closed-390');
  } finally {
    await browser.close();
  }
});

test('a kiosk at the entrance: attendees check themselves in with their own code, and nothing else is on the screen', async ({ page, request, baseURL }) => {
  await request.post('/api/auth/login', { data: { email: 'physician03@example.jp', password: DEMO_PASSWORD } });
  const qr = await (await request.get('/api/mypage/qr')).json();
  const name = (await (await request.get('/api/mypage')).json()).profile.name_kanji as string;
  const video = qrVideo(qr.token);
  const title = `セルフ受付 ${Date.now()}`;
  await openTodaysSession(page, title);
  const kioskUrl = new URL(page.url());
  await expect(page.getByTestId('kiosk-start')).toBeVisible();

  // The organizer's tablet on a stand, with a camera that sees the attendee's code.
  const browser = await chromium.launch({
    executablePath: '/usr/bin/chromium',
    args: ['--no-sandbox', '--disable-gpu', '--use-fake-ui-for-media-stream', '--use-fake-device-for-media-stream', `--use-file-for-fake-video-capture=${video}`],
  });
  try {
    const context = await browser.newContext({ baseURL, viewport: { width: 820, height: 1180 }, locale: 'ja-JP', timezoneId: 'Asia/Tokyo' });
    const stand = await context.newPage();
    await login(stand, 'kyoto.organizer@example.jp', DEMO_PASSWORD);
    await stand.goto(`${kioskUrl.pathname}?kiosk=in`);
    await expect(stand.getByTestId('kiosk')).toContainText(title);
    await expect(stand.getByTestId('feedback')).toContainText('マイページのQRコードをカメラにかざしてください');
    // No typing, no search, no one else's records at the stand.
    for (const hidden of ['checkin-number', 'lookup-name', 'inside-find', 'history-number', 'mode-out', 'door-links']) {
      await expect(stand.getByTestId(hidden)).toHaveCount(0);
    }
    await stand.getByTestId('camera-start').click();
    await expect(stand.getByTestId('feedback')).toContainText(name);
    await expect(stand.getByTestId('feedback')).toContainText('入室を記録しました');
    await expect(stand.getByTestId('person-history')).toHaveCount(0);
    await screen(stand, 'kiosk-820');
    await checkPage(stand);
    // Leaving the kiosk asks first (the organizer's step), then the desk is back.
    stand.once('dialog', (d) => void d.accept());
    await stand.getByTestId('kiosk-leave').click();
    await expect(stand.getByTestId('checkin-number')).toBeVisible();
  } finally {
    await browser.close();
  }
});
