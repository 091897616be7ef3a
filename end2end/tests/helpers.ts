import { test as base, expect, Page, request } from '@playwright/test';

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

/** Logs out through the header and waits for the login form. Logging out of a staff or door
 * page loads the physician's build afresh (its login page), so the form, not the address, says
 * the page is ready for the next step. */
export async function logout(page: Page) {
  await page.getByTestId('logout').click();
  await expect(page).toHaveURL(/\/login$/);
  await expect(page.getByLabel('メールアドレス')).toBeVisible();
}

/** Saves a screenshot under test-results/screens for a person to look at. */
export async function screen(page: Page, name: string) {
  await accessible(page);
  await page.screenshot({ path: `test-results/screens/${name}.png`, fullPage: true });
}

export { expect };

/** Waits (up to 15 s) until the app has mounted and nothing on the page is still loading. */
export async function settled(page: Page) {
  await page
    .waitForFunction(() => !document.getElementById('boot') && !document.querySelector('.loading'), null, { timeout: 15_000 })
    .catch(() => undefined);
}

/**
 * The tests' `test`: its page runs axe (WCAG 2.2 AA, `accessible`) on every page it opens by
 * address, once the page has settled, and on every page a test photographs (`screen`), so no
 * page a test visits escapes the check. a11y.spec.ts checks each page in both languages.
 */
export const test = base.extend({
  page: async ({ page }, use) => {
    const goto = page.goto.bind(page);
    page.goto = (async (url: string, options?: Parameters<Page['goto']>[1]) => {
      const response = await goto(url, options);
      await settled(page);
      await accessible(page);
      return response;
    }) as Page['goto'];
    await use(page);
  },
});

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

/** The token of the newest confirmation link mailed to `email` (read from the outbox as admin). */
export async function mailedToken(baseURL: string, email: string): Promise<string> {
  return mailedLink(baseURL, email, '/verify-email#');
}

/** The token of the newest link to `page` (`/reset-password#`, …) mailed to `email`. */
export async function mailedLink(baseURL: string, email: string, page: string): Promise<string> {
  const api = await request.newContext({ baseURL });
  await api.post('/api/auth/login', { data: { email: 'admin@example.jp', password: DEMO_PASSWORD } });
  const mails: { to: string; body: string }[] = await (await api.get('/api/admin/outbox')).json();
  await api.dispose();
  const mail = mails.find((m) => m.to === email && m.body.includes(page));
  if (!mail) throw new Error(`no mail to ${email} with a link to ${page}`);
  return mail.body.split(page)[1].split(/\s/)[0];
}

/** Fails with the list of what axe finds against WCAG 2.2 AA on the page as it is now. */
export async function accessible(page: Page) {
  const { default: AxeBuilder } = await import('@axe-core/playwright');
  const results = await new AxeBuilder({ page })
    .withTags(['wcag2a', 'wcag2aa', 'wcag21a', 'wcag21aa', 'wcag22aa'])
    .analyze();
  expect(
    results.violations.map((v) => `${v.id}: ${v.nodes.map((n) => n.target.join(' ')).join(', ')}`),
    `axe on ${page.url()}`,
  ).toEqual([]);
}

/**
 * Fails with every visible tap target smaller than 44 × 44 px (links, buttons, fields; a
 * checkbox or radio is measured by its label, which is what a thumb hits).
 */
export async function tapTargets(page: Page) {
  const small = await page.evaluate(() => {
    const out: string[] = [];
    for (const el of Array.from(document.querySelectorAll<HTMLElement>('a[href], button, select, input, textarea, [role=button]'))) {
      const input = el as HTMLInputElement;
      if (input.type === 'hidden') continue;
      const target = (input.type === 'checkbox' || input.type === 'radio') ? (el.closest('label') ?? el) : el;
      const r = target.getBoundingClientRect();
      const style = getComputedStyle(target);
      if (r.width === 0 || r.height === 0 || style.visibility === 'hidden') continue;
      if (r.height < 43.5 || r.width < 43.5) {
        const name = (target.getAttribute('aria-label') ?? target.textContent ?? '').trim().slice(0, 24);
        out.push(`${target.tagName.toLowerCase()} "${name}" ${Math.round(r.width)}×${Math.round(r.height)}`);
      }
    }
    return out;
  });
  expect(small, `tap targets under 44 px on ${page.url()}`).toEqual([]);
}

/** Axe, tap targets, and nothing wider than the screen (no sideways scrolling at 390 px). */
export async function checkPage(page: Page) {
  await accessible(page);
  await tapTargets(page);
  // A phone widens its layout to fit what overflows (innerWidth grows), so the screen's own
  // width is the measure, and the widest elements are named.
  const width = page.viewportSize()!.width;
  const wide = await page.evaluate((w) => Array.from(document.querySelectorAll<HTMLElement>('body *'))
    .filter((e) => e.getBoundingClientRect().right > w + 0.5 && e.getBoundingClientRect().width > 0)
    .slice(-3)
    .map((e) => `${e.tagName.toLowerCase()}.${e.className} ${Math.round(e.getBoundingClientRect().right)}px`), width);
  expect(wide, `wider than the ${width}-px screen on ${page.url()}`).toEqual([]);
}

/** A licence as a phone photographs it (a small valid PDF). */
export const LICENCE = Buffer.from('%PDF-1.4\n1 0 obj << /Type /Catalog >> endobj\ntrailer\n%%EOF\n');

/**
 * Verifies the physician logged in on `page`: opens the mailed link, sends the licence from My
 * Page, and has the prefecture's demo staff verify it (through the API); ends on My Page.
 */
export async function verifyPhysician(page: Page, registry: string, email: string, staff = 'tokyo.staff@example.jp') {
  const origin = new URL(page.url()).origin;
  await page.goto(`/verify-email#${await mailedToken(origin, email)}`);
  await expect(page.getByTestId('verify-ok')).toBeVisible();
  await page.goto('/mypage');
  await page.getByTestId('file-medical_licence').setInputFiles({ name: 'licence.pdf', mimeType: 'application/pdf', buffer: LICENCE });
  await page.getByTestId('send-licence').click();
  await expect(page.getByTestId('licence-sent')).toBeVisible();
  const api = await request.newContext({ baseURL: origin });
  await api.post('/api/auth/login', { data: { email: staff, password: DEMO_PASSWORD } });
  const queue: { id: number; registry_number: string }[] = await (await api.get('/api/review/identities?status=pending')).json();
  const item = queue.find((i) => i.registry_number === registry);
  if (!item) throw new Error(`no identity request for ${registry}`);
  const decided = await api.post(`/api/review/identities/${item.id}/decide`, { data: { verified: true, reason: '' } });
  if (!decided.ok()) throw new Error(`staff could not verify: ${await decided.text()}`);
  await api.dispose();
  await page.reload();
  await expect(page.getByTestId('link-qr')).toBeVisible();
}

/**
 * Kyoto's demo staff designate the submitted session `id` (through the API), with the next
 * number of Kyoto and the year; answers the number.
 */
export async function designate(baseURL: string, id: number): Promise<string> {
  const api = await request.newContext({ baseURL });
  await api.post('/api/auth/login', { data: { email: 'kyoto.staff@example.jp', password: DEMO_PASSWORD } });
  const done = await api.post(`/api/review/sessions/${id}/designate`, { data: { number: '' } });
  if (!done.ok()) throw new Error(`staff could not designate: ${await done.text()}`);
  const number = (await done.json()).session.designation_number as string;
  await api.dispose();
  return number;
}

/**
 * The time in Japan `minutes` ago, `HH:MM`: the end of today's session that has just ended
 * (posting opens at a session's end). Tests that need one skip the first minutes of the day.
 */
export function jstTimeAgo(minutes: number): string {
  return new Date(Date.now() + 9 * 3600_000 - minutes * 60_000).toISOString().slice(11, 16);
}

/** Whether today (Japan) is old enough for a session that started at 00:00 and has ended. */
export function dayHasBegun(): boolean {
  return jstTimeAgo(0) >= '00:30';
}

/** Today in Japan, as the server sees it. */
export function todayJst(): string {
  return new Date(Date.now() + 9 * 3600_000).toISOString().slice(0, 10);
}

/**
 * The Kyoto organizer submits today's session that began at 00:00 and ended two minutes ago (so
 * it can be posted: posting opens at the end; scans are taken all its day), Kyoto's staff
 * designate it, and the organizer opens its check-in page.
 */
export async function openTodaysSession(page: Page, title: string) {
  await fillTodaysSession(page, title);
  await page.getByRole('button', { name: '研修会を登録' }).click();
  const item = page.getByTestId('org-sessions').locator('li', { hasText: title });
  await expect(item).toBeVisible();
  // Submitted: no door until Kyoto's staff designate it.
  await expect(item.getByRole('link', { name: '受付' })).toHaveCount(0);
  const mine = await (await page.request.get('/api/organizer/sessions')).json();
  await designate(new URL(page.url()).origin, mine.find((s: { title: string }) => s.title === title).id);
  await page.reload();
  await item.getByRole('link', { name: '受付' }).click();
  await expect(page).toHaveURL(/\/checkin$/);
}

/**
 * The Kyoto organizer signs in and fills the form of today's session that began at 00:00 and
 * ended two minutes ago, in Kyoto; the caller submits it.
 */
export async function fillTodaysSession(page: Page, title: string) {
  test.skip(!dayHasBegun(), 'a session that has ended today needs the first minutes of the day');
  await login(page, 'kyoto.organizer@example.jp', DEMO_PASSWORD);
  await page.goto('/organizer');
  await page.getByLabel('研修会名').fill(title);
  await page.getByLabel('区分').selectOption('occupational.lifelong.specialized');
  await page.getByLabel('単位', { exact: true }).fill('1');
  await page.getByLabel('受講日').fill(todayJst());
  await page.getByLabel('開始時刻').fill('00:00');
  await page.getByLabel('終了時刻').fill(jstTimeAgo(2));
  await page.getByLabel('会場').fill('京都府医師会館');
  await page.getByLabel('都道府県').selectOption('26');
}
