import { execFileSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { checkPage, DEMO_PASSWORD, expect, login, logout, screen, test } from './helpers';

// What a physician holds (#13): the certificate PDF from My Page, its printed QR code read back
// by real tools (poppler's pdftoppm, zbar's zbarimg), and the public verification page it
// leads to, opened by someone who is not logged in.
test('a certificate downloaded from My Page is verified through its printed QR code', async ({ page }) => {
  await login(page, 'demo.physician@example.jp', DEMO_PASSWORD);
  await expect(page.getByTestId('notices')).toBeVisible();
  await checkPage(page);
  await screen(page, 'mypage-notices-390');
  const link = page.locator('[data-testid^="certificate-pdf-"]').first();
  await expect(link).toHaveText('認定証明書（PDF）');
  const [download] = await Promise.all([page.waitForEvent('download'), link.click()]);
  const pdf = (await download.path())!;
  expect(fs.readFileSync(pdf).subarray(0, 4).toString()).toBe('%PDF');

  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'nintei-proof-'));
  execFileSync('pdftoppm', ['-r', '150', '-png', '-singlefile', '-f', '1', '-l', '1', pdf, path.join(dir, 'page')]);
  const url = execFileSync('zbarimg', ['-q', '--raw', path.join(dir, 'page.png')]).toString().trim();
  expect(url).toMatch(/^http:\/\/127\.0\.0\.1:\d+\/verify\/[0-9A-Z]{20}$/);

  // Anyone with the link: no login.
  await logout(page);
  await page.goto(url);
  await expect(page.getByTestId('verify-status')).toHaveText('有効');
  await expect(page.getByTestId('verify-name')).not.toBeEmpty();
  await checkPage(page);
  await screen(page, 'verify-390');

  // A mistyped code says what to do, and the form checks another.
  await page.goto('/verify/ABCD-EFGH-JKMN-PQRS-TVWX');
  await expect(page.getByTestId('verify-not-found')).toBeVisible();
  await checkPage(page);
});

test('JMA staff revoke a certificate; its holder sees 取消 and is offered a new application', async ({ page, request }) => {
  // A demo physician no other test uses, who holds a certificate.
  let email = '';
  let number = '';
  let certification = '';
  for (const n of ['20', '21', '22', '23', '24', '25', '26', '27', '28', '29']) {
    const candidate = `physician${n}@example.jp`;
    await request.post('/api/auth/login', { data: { email: candidate, password: DEMO_PASSWORD } });
    const page = await (await request.get('/api/mypage')).json();
    await request.post('/api/auth/logout', { data: {} });
    if (page.certificates?.length) {
      email = candidate;
      number = page.certificates[0].number;
      certification = page.certificates[0].certification;
      break;
    }
  }
  expect(number).not.toBe('');

  await login(page, 'jma.staff@example.jp', DEMO_PASSWORD);
  await page.goto('/registry');
  const card = page.getByTestId('revoke');
  await card.getByTestId('revoke-number').fill(number);
  await expect(card.getByTestId('revoke-start')).toBeDisabled();
  await card.getByTestId('revoke-reason').fill('虚偽の申請が判明したため');
  await card.getByTestId('revoke-start').click();
  await expect(card.getByTestId('revoke-ask')).toContainText(number);
  await screen(page, 'revoke-ask-390');
  await card.getByTestId('revoke-confirm').click();
  await expect(card.getByTestId('revoked')).toBeVisible();
  await logout(page);

  await login(page, email, DEMO_PASSWORD);
  await expect(page.getByTestId(`revoked-${certification}`)).toContainText('取り消されました');
  await expect(page.getByTestId(`certificate-${certification}`)).toContainText('取消');
  await expect(page.getByTestId(`apply-${certification}`)).toHaveText('新規に申請する');
  await expect(page.getByTestId(`certificate-pdf-${certification}`)).toHaveCount(0);
  await screen(page, 'mypage-revoked-390');
});
