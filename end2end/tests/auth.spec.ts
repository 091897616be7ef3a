import { expect, login, logout, screen, uniqueRegistry, test } from './helpers';

test('a physician registers through the real page, logs out and logs in again', async ({ page }) => {
  const registry = uniqueRegistry();
  const email = `e2e-${registry}@example.jp`;
  await page.goto('/register');
  await expect(page.getByRole('heading', { name: 'マイページ登録' })).toBeVisible();

  // Submitting an empty form shows an error beside each field, in Japanese.
  await page.getByRole('button', { name: '登録する' }).click();
  await expect(page.getByTestId('error-registry_number')).toContainText('医籍登録番号');
  await expect(page.getByTestId('error-name_kana')).toContainText('カタカナ');
  await screen(page, 'register-errors-390');

  await page.getByLabel('医籍登録番号').fill(registry);
  await page.getByLabel('氏名', { exact: true }).fill('試験 花子');
  await page.getByLabel('フリガナ').fill('しけん はなこ');
  await page.getByLabel('生年月日').fill('1985-06-15');
  await page.getByLabel('メールアドレス').fill(email);
  await page.getByLabel('パスワード（10文字以上）').fill('a sturdy passphrase');
  await page.getByLabel('会員', { exact: true }).check();
  await page.getByLabel('都道府県').selectOption('26');
  await page.getByRole('button', { name: '登録する' }).click();

  await expect(page).toHaveURL(/\/mypage$/);
  await expect(page.getByTestId('profile-name')).toContainText('試験 花子');
  await expect(page.getByTestId('profile-name')).toContainText('シケン　ハナコ');
  await screen(page, 'mypage-new-physician-390');

  await logout(page);
  await expect(page).toHaveURL(/\/login$/);
  await login(page, email, 'a sturdy passphrase');
  await expect(page).toHaveURL(/\/mypage$/);
  await expect(page.getByTestId('profile-name')).toContainText('試験 花子');
});

test('a wrong password is refused with a clear message', async ({ page }) => {
  await login(page, 'demo.physician@example.jp', 'not the password');
  await expect(page.getByRole('alert')).toContainText('メールアドレスまたはパスワードが違います');
});

test('the language switch persists across reloads', async ({ page }) => {
  await page.goto('/login');
  await page.getByTestId('lang-switch').click();
  await expect(page.getByRole('heading', { name: 'Log in' })).toBeVisible();
  await page.reload();
  await expect(page.getByRole('heading', { name: 'Log in' })).toBeVisible();
  await expect(page.locator('html')).toHaveAttribute('lang', 'en');
});
