import { createHmac } from 'node:crypto';
import { Browser, Page } from '@playwright/test';
import { DEMO_PASSWORD, accessible, expect, login, logout, mailedLink, registerPhysician, screen, uniqueRegistry, test } from './helpers';

const FIRST = 'a sturdy passphrase';
const SECOND = 'another sturdy passphrase';

/** The TOTP code of a base32 `secret`, `offset` seconds from now (RFC 6238, SHA-1, 6 digits). */
function totp(secret: string, offset = 0): string {
  const alphabet = 'ABCDEFGHIJKLMNOPQRSTUVWXYZ234567';
  let bits = '';
  for (const c of secret.replace(/=+$/, '')) bits += alphabet.indexOf(c).toString(2).padStart(5, '0');
  const key = Buffer.from(bits.match(/.{8}/g)!.map((b) => parseInt(b, 2)));
  const counter = Buffer.alloc(8);
  counter.writeBigUInt64BE(BigInt(Math.floor((Date.now() / 1000 + offset) / 30)));
  const h = createHmac('sha1', key).update(counter).digest();
  const o = h[h.length - 1] & 0xf;
  const n = ((h[o] & 0x7f) << 24) | (h[o + 1] << 16) | (h[o + 2] << 8) | h[o + 3];
  return String(n % 1_000_000).padStart(6, '0');
}

/** A second browser (its own cookies) on the same server, at the phone's size. */
async function secondDevice(browser: Browser, page: Page): Promise<Page> {
  const context = await browser.newContext({
    baseURL: new URL(page.url()).origin,
    viewport: { width: 390, height: 844 },
    locale: 'ja-JP',
    userAgent: 'Mozilla/5.0 (Windows NT 10.0; Win64; x64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/126.0.0.0 Safari/537.36',
  });
  return context.newPage();
}

test('a physician who forgot the password gets a link, chooses a new one, and every device is signed out', async ({ page, browser }) => {
  const email = `forgot.${uniqueRegistry()}@example.jp`;
  await registerPhysician(page, uniqueRegistry(), email, FIRST);
  const other = await secondDevice(browser, page);
  await login(other, email, FIRST);
  await other.goto('/mypage');
  await expect(other).toHaveURL(/\/mypage$/);

  await logout(page);
  await page.goto('/login');
  await page.getByTestId('forgot-password').click();
  await expect(page).toHaveURL(/\/forgot-password$/);
  await page.getByLabel('メールアドレス', { exact: true }).fill(email);
  await page.getByRole('button', { name: 'リンクを送る' }).click();
  await expect(page.getByTestId('reset-sent')).toBeVisible();
  await accessible(page);
  await screen(page, 'account-forgot-sent');

  const token = await mailedLink(new URL(page.url()).origin, email, '/reset-password#');
  await page.goto(`/reset-password#${token}`);
  await expect(page).toHaveURL(/\/reset-password$/); // the token left the address bar
  await page.getByLabel('新しいパスワード（10文字以上）').fill('short');
  await page.getByRole('button', { name: 'パスワードを設定する' }).click();
  await expect(page.getByTestId('error-password')).toBeVisible();
  await page.getByLabel('新しいパスワード（10文字以上）').fill(SECOND);
  await page.getByRole('button', { name: 'パスワードを設定する' }).click();
  await expect(page.getByTestId('reset-done')).toBeVisible();
  await accessible(page);
  await screen(page, 'account-reset-done');

  // The other device was signed out; the link works once.
  await other.goto('/mypage');
  await expect(other).toHaveURL(/\/login\?next=/);
  await page.goto('/');
  await page.goto(`/reset-password#${token}`);
  await page.getByLabel('新しいパスワード（10文字以上）').fill('a third passphrase 2026');
  await page.getByRole('button', { name: 'パスワードを設定する' }).click();
  await expect(page.getByRole('alert')).toContainText('もう一度パスワードの再設定');

  await login(page, email, SECOND);
  await page.goto('/mypage');
  await expect(page).toHaveURL(/\/mypage$/);
});

test('the account page changes the password, lists the devices and signs the others out', async ({ page, browser }) => {
  const email = `devices.${uniqueRegistry()}@example.jp`;
  await registerPhysician(page, uniqueRegistry(), email, FIRST);
  const laptop = await secondDevice(browser, page);
  await login(laptop, email, FIRST);

  await page.getByTestId('nav-account').click();
  await expect(page).toHaveURL(/\/account$/);
  const devices = page.getByTestId('devices').locator('li');
  await expect(devices).toHaveCount(2);
  await expect(page.getByTestId('devices')).toContainText('この端末');
  await expect(page.getByTestId('devices')).toContainText('Windows · Chrome');
  await accessible(page);
  await screen(page, 'account-page');

  await page.getByTestId('devices-end-others').click();
  await expect(devices).toHaveCount(1);
  await laptop.goto('/mypage');
  await expect(laptop).toHaveURL(/\/login\?next=/);

  // A password change needs the current password and keeps this device signed in.
  await login(laptop, email, FIRST);
  const section = page.getByTestId('password-section');
  await section.getByLabel('現在のパスワード').fill('not my password');
  await section.getByLabel('新しいパスワード（10文字以上）').fill(SECOND);
  await section.getByRole('button', { name: 'パスワードを変更する' }).click();
  await expect(section.getByTestId('error-current')).toBeVisible();
  await section.getByLabel('現在のパスワード').fill(FIRST);
  await section.getByRole('button', { name: 'パスワードを変更する' }).click();
  await expect(page.getByTestId('password-changed')).toBeVisible();
  await laptop.goto('/mypage');
  await expect(laptop).toHaveURL(/\/login\?next=/);
  await page.goto('/mypage');
  await expect(page).toHaveURL(/\/mypage$/);
});

test('two-step sign-in: set up with the QR code, keep the recovery codes, then sign in with a code', async ({ page }) => {
  const email = `totp.${uniqueRegistry()}@example.jp`;
  await registerPhysician(page, uniqueRegistry(), email, FIRST);
  await page.goto('/account');
  await page.getByTestId('two-factor-start').click();
  await expect(page.getByRole('img', { name: '認証アプリに登録するQRコード' })).toBeVisible();
  const secret = (await page.getByTestId('totp-secret').textContent())!.trim();
  await accessible(page);
  await screen(page, 'account-two-factor-setup');
  const section = page.getByTestId('two-factor-section');
  await section.getByLabel('確認コード').fill('000000');
  await section.getByRole('button', { name: '有効にする' }).click();
  await expect(section.getByTestId('error-code')).toBeVisible();
  await section.getByLabel('確認コード').fill(totp(secret));
  await section.getByRole('button', { name: '有効にする' }).click();
  await expect(page.getByTestId('recovery-codes').locator('li')).toHaveCount(10);
  const recovery = (await page.getByTestId('recovery-codes').locator('li').first().textContent())!.trim();
  await screen(page, 'account-recovery-codes');
  await page.getByTestId('recovery-done').click();
  await expect(page.getByTestId('recovery-left')).toContainText('10');

  await logout(page);
  await login(page, email, FIRST);
  await expect(page.getByTestId('code-form')).toBeVisible();
  await accessible(page);
  await screen(page, 'login-code');
  await page.getByLabel('確認コード').fill('123456');
  await page.getByRole('button', { name: '確認する' }).click();
  await expect(page.getByTestId('error-code')).toBeVisible();
  // The step after the one that turned it on: a code is taken once.
  await page.getByLabel('確認コード').fill(totp(secret, 30));
  await page.getByRole('button', { name: '確認する' }).click();
  await expect(page).toHaveURL(/\/(mypage)?$/);
  await page.goto('/mypage');
  await expect(page).toHaveURL(/\/mypage$/);

  // A lost phone: a recovery code instead.
  await logout(page);
  await login(page, email, FIRST);
  await page.getByLabel('確認コード').fill(recovery);
  await page.getByRole('button', { name: '確認する' }).click();
  await page.goto('/account');
  await expect(page.getByTestId('recovery-left')).toContainText('9');
});

test('an admin finds an account, disables and enables it, forces a reset and reads the audit log', async ({ page, browser }) => {
  const email = `watched.${uniqueRegistry()}@example.jp`;
  await registerPhysician(page, uniqueRegistry(), email, FIRST);
  await logout(page);

  await login(page, 'admin@example.jp', DEMO_PASSWORD);
  await page.goto('/admin');
  await page.getByTestId('account-q').fill(email);
  await page.getByRole('button', { name: '検索' }).click();
  await expect(page.getByTestId('accounts').locator('li')).toHaveCount(1);
  await accessible(page);
  await page.getByTestId('accounts').getByRole('link').click();
  await expect(page.getByTestId('admin-account')).toContainText(email);

  await page.getByTestId('account-disable').click();
  await expect(page.getByTestId('admin-account')).toContainText('無効');
  const physician = await secondDevice(browser, page);
  await login(physician, email, FIRST);
  await expect(physician.getByRole('alert')).toBeVisible();
  await page.getByTestId('account-enable').click();
  await expect(page.getByTestId('account-disable')).toBeVisible();

  await page.getByTestId('account-reset').click();
  await expect(page.getByTestId('admin-notice')).toContainText('再設定のリンクを本人に送りました');
  const trail = page.getByTestId('audit');
  await expect(trail).toContainText('アカウントの無効化');
  await expect(trail).toContainText('アカウントの再開');
  await expect(trail).toContainText('パスワード再設定の強制');
  await expect(trail).toContainText('admin@example.jp');
  await accessible(page);
  await screen(page, 'admin-account');
  await login(physician, email, FIRST);
  await expect(physician.getByRole('alert')).toBeVisible();

  await page.goto('/admin');
  await page.getByTestId('link-audit').click();
  await expect(page).toHaveURL(/\/admin\/audit$/);
  await page.getByTestId('audit-entity').selectOption('user');
  await page.getByTestId('audit-action').fill('login_failed');
  await page.getByTestId('audit-search').click();
  await expect(page.locator('[data-testid="audit"] li').first()).toHaveAttribute('data-action', 'login_failed');
  await accessible(page);
  await screen(page, 'admin-audit');
});

test('an admin makes an organizer account, its owner is welcomed by mail, and the admin moves it to another organizing body', async ({ page }) => {
  const email = `organizer.${uniqueRegistry()}@example.jp`;
  await login(page, 'admin@example.jp', DEMO_PASSWORD);
  await page.goto('/admin');
  await page.locator('#f-role').selectOption('organizer');
  await page.getByLabel('メールアドレス', { exact: true }).fill(email);
  await page.getByLabel('表示名').fill('京都 花子');
  await page.getByLabel('パスワード', { exact: true }).fill('first-password-1234');
  await page.locator('#f-prefecture').selectOption('26');
  await page.getByLabel('主催団体').fill('京都府医師会');
  await page.getByRole('button', { name: '職員・主催者アカウントを作成' }).click();
  await expect(page.getByText(`作成しました: ${email}`)).toBeVisible();
  // Welcomed by mail: where to sign in, never the password.
  const mails: { to: string; subject: string; body: string }[] = await (await page.request.get('/api/admin/outbox')).json();
  const welcome = mails.find((m) => m.to === email);
  expect(welcome?.subject).toBe('認定管理システムのアカウントを作成しました');
  expect(welcome?.body).toContain('/login');
  expect(welcome?.body).not.toContain('first-password-1234');

  // The list says who never signed in, and who did.
  const found = page.getByTestId('accounts').locator('li');
  await page.getByTestId('account-q').fill(email);
  await page.getByRole('button', { name: '検索' }).click();
  await expect(found).toHaveCount(1);
  await expect(found.getByTestId('last-login')).toHaveText('まだログインしていません');
  await page.getByTestId('account-q').fill('admin@example.jp');
  await page.getByRole('button', { name: '検索' }).click();
  await expect(found.filter({ hasText: 'admin@example.jp' }).getByTestId('last-login')).toContainText('最終ログイン');

  // Moved to another organizing body: saved, shown, and in the account's trail.
  await page.getByTestId('account-q').fill(email);
  await page.getByRole('button', { name: '検索' }).click();
  await expect(found).toHaveCount(1);
  await page.getByTestId('accounts').getByRole('link').click();
  const edit = page.getByTestId('edit-account');
  await edit.getByLabel('主催団体').fill('');
  await edit.getByTestId('edit-save').click();
  await expect(edit).toContainText('主催団体を入力してください');
  await edit.getByLabel('主催団体').fill('京都市医師会');
  await edit.getByTestId('edit-save').click();
  await expect(page.getByTestId('admin-notice')).toContainText('変更しました');
  await expect(page.getByTestId('admin-account')).toContainText('京都市医師会');
  await expect(page.getByTestId('audit')).toContainText('変更');
  await accessible(page);
  await screen(page, 'admin-edit-account-390');
});
