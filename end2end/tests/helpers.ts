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
  await page.getByRole('button', { name: 'ログイン' }).click();
}

/** Saves a screenshot under test-results/screens for a person to look at. */
export async function screen(page: Page, name: string) {
  await page.screenshot({ path: `test-results/screens/${name}.png`, fullPage: true });
}

export { expect };
