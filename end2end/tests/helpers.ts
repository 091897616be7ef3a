import { expect, Page } from '@playwright/test';

export const DEMO_PASSWORD = 'nintei-demo-2026';

/** A registry number nobody else in this run uses. */
export function uniqueRegistry(): string {
  return String(100000 + Math.floor(Math.random() * 800000));
}

/** Logs in through the real login page. */
export async function login(page: Page, email: string, password: string) {
  await page.goto('/login');
  await page.getByLabel('メールアドレス').fill(email);
  await page.getByLabel('パスワード').fill(password);
  const answered = page.waitForResponse((r) => r.url().endsWith('/api/auth/login'));
  await page.getByRole('button', { name: 'ログイン' }).click();
  await answered;
}

/** Saves a screenshot under test-results/screens for a person to look at. */
export async function screen(page: Page, name: string) {
  await page.screenshot({ path: `test-results/screens/${name}.png`, fullPage: true });
}

export { expect };

/** Registers a physician through the real registration page; ends on My Page. */
export async function registerPhysician(page: Page, registry: string, email: string, password = 'a sturdy passphrase') {
  await page.goto('/register');
  await page.getByLabel('医籍登録番号').fill(registry);
  await page.getByLabel('氏名', { exact: true }).fill('手帳 次郎');
  await page.getByLabel('フリガナ').fill('テチョウ ジロウ');
  await page.getByLabel('生年月日').fill('1975-02-03');
  await page.getByLabel('メールアドレス').fill(email);
  await page.getByLabel('パスワード（10文字以上）').fill(password);
  await page.getByLabel('会員', { exact: true }).check();
  await page.getByLabel('都道府県').selectOption('13');
  await page.getByRole('button', { name: '登録する' }).click();
  await expect(page).toHaveURL(/\/mypage$/);
}
