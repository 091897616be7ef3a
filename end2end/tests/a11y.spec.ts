import { DEMO_PASSWORD, checkPage, expect, login, test } from './helpers';

// Every page a physician, an organizer and staff open, at 390 px, in Japanese and in English:
// axe finds nothing (WCAG 2.2 AA) and every tap target is at least 44 px.
const PUBLIC = ['/', '/login', '/register', '/sessions'];
const PHYSICIAN = [
  '/mypage',
  '/mypage/history',
  '/mypage/transcript',
  '/mypage/handbook',
  '/mypage/profile',
  '/applications',
  '/applications/new?kind=renewal&certification=occupational',
  '/sessions',
];

async function walk(page: import('@playwright/test').Page, paths: string[], ready: (path: string) => Promise<void>) {
  for (const path of paths) {
    await page.goto(path);
    await ready(path);
    await checkPage(page);
  }
}

async function english(page: import('@playwright/test').Page) {
  await page.getByRole('button', { name: 'English' }).click();
  await expect(page.locator('html')).toHaveAttribute('lang', 'en');
}

test('public and physician pages pass axe with 44-px targets, in Japanese and in English', async ({ page }) => {
  const settled = async () => {
    await expect(page.locator('main')).toBeVisible();
    await expect(page.getByText('読み込み中')).toHaveCount(0);
  };
  await walk(page, PUBLIC, settled);
  await login(page, 'demo.physician@example.jp', DEMO_PASSWORD);
  await expect(page).toHaveURL(/\/mypage$/);
  await walk(page, PHYSICIAN, settled);
  await english(page);
  const settledEn = async () => {
    await expect(page.locator('main')).toBeVisible();
    await expect(page.getByText('Loading')).toHaveCount(0);
  };
  await walk(page, PHYSICIAN, settledEn);
});

test('organizer and staff pages pass axe with 44-px targets, in Japanese and in English', async ({ page }) => {
  const settled = async () => {
    await expect(page.locator('main')).toBeVisible();
    await expect(page.getByText(/読み込み中|Loading/)).toHaveCount(0);
  };
  const roles: [string, string[]][] = [
    ['kyoto.organizer@example.jp', ['/organizer']],
    ['kyoto.staff@example.jp', ['/review', '/identities', '/registry', '/account']],
    ['jma.staff@example.jp', ['/review']],
    ['admin@example.jp', ['/admin', '/admin/outbox', '/admin/audit']],
  ];
  for (const [lang, switchTo] of [['ja', false], ['en', true]] as const) {
    for (const [email, paths] of roles) {
      // Each role logs in through the Japanese login page, then chooses its language.
      await page.context().clearCookies();
      await page.goto('/login');
      await page.evaluate(() => localStorage.clear());
      await login(page, email, DEMO_PASSWORD);
      await expect(page.getByTestId('logout')).toBeVisible();
      if (switchTo) await english(page);
      await walk(page, paths, settled);
      await expect(page.locator('html')).toHaveAttribute('lang', lang);
    }
  }
});
