import { chromium } from '@playwright/test';
const base = 'http://127.0.0.1:3900';
const browser = await chromium.launch({ executablePath: '/usr/bin/chromium' });
async function as(email, width, shots) {
  const ctx = await browser.newContext({ baseURL: base, viewport: { width, height: 844 }, locale: 'ja-JP', timezoneId: 'Asia/Tokyo' });
  const page = await ctx.newPage();
  await page.goto('/login');
  await page.getByLabel('メールアドレス', { exact: true }).fill(email);
  await page.getByLabel('パスワード', { exact: true }).fill('nintei-demo-2026');
  await page.getByRole('button', { name: 'ログイン' }).click();
  await page.waitForTimeout(1500);
  for (const [path, name, act] of shots) {
    await page.goto(path);
    await page.waitForTimeout(1500);
    if (act) await act(page);
    await page.screenshot({ path: `/tmp/shots/${name}.png`, fullPage: true });
  }
  await ctx.close();
}
await as('tokyo.staff@example.jp', 390, [['/review', 'review-tokyo-390']]);
await as('jma.staff@example.jp', 1280, [['/review', 'review-jma-1280'], ['/designation', 'designation-jma-1280']]);
await as('kyoto.staff@example.jp', 390, [['/designation', 'designation-kyoto-390']]);
await as('kyoto.organizer@example.jp', 390, [['/organizer', 'organizer-390']]);
await browser.close();
