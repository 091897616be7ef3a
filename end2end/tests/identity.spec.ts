import { Page } from '@playwright/test';
import { DEMO_PASSWORD, LICENCE, expect, login, logout, mailedToken, screen, uniqueRegistry, test } from './helpers';

function iso(d: Date): string {
  return d.toISOString().slice(0, 10);
}

/** Registers through the real page with the given details; ends on My Page. */
async function register(page: Page, p: { registry: string; kanji: string; kana: string; birth: string; email: string; prefecture: string }) {
  await page.goto('/register');
  await page.getByLabel('医籍登録番号').fill(p.registry);
  await page.getByLabel('氏名', { exact: true }).fill(p.kanji);
  await page.getByLabel('フリガナ').fill(p.kana);
  await page.getByLabel('生年月日').fill(p.birth);
  await page.getByLabel('メールアドレス').fill(p.email);
  await page.getByLabel('パスワード（10文字以上）').fill('a sturdy passphrase');
  await page.getByLabel('会員', { exact: true }).check();
  await page.getByLabel('都道府県').selectOption(p.prefecture);
  await page.getByRole('button', { name: '登録する' }).click();
  await expect(page).toHaveURL(/\/mypage$/);
}

test('JMA imports a registry through the page; a physician in it registers, opens the mailed link and sees the certificate at once', async ({ page }) => {
  const registry = uniqueRegistry();
  const email = `reg-${registry}@example.jp`;
  const from = new Date(Date.now() - 400 * 86_400_000);
  const until = new Date(from);
  until.setFullYear(until.getFullYear() + 5);
  until.setDate(until.getDate() - 1);
  const csv = [
    'registry_number,name_kanji,name_kana,birth_date,prefecture,membership,certification,certificate_number,first_certified,valid_from,valid_until',
    `${registry},名簿 太郎,メイボ タロウ,1972-03-04,26,member,occupational,E${registry},${iso(from)},${iso(from)},${iso(until)}`,
  ].join('\n');

  await login(page, 'jma.staff@example.jp', DEMO_PASSWORD);
  await page.goto('/registry');
  await page.getByTestId('registry-file').setInputFiles({ name: 'registry.csv', mimeType: 'text/csv', buffer: Buffer.from(csv) });
  await expect(page.getByTestId('registry-run')).toBeDisabled();
  await page.getByTestId('registry-check').click();
  await expect(page.getByTestId('registry-report')).toContainText('新規1件');
  await page.getByTestId('registry-run').click();
  await expect(page.getByTestId('registry-report')).toContainText('取り込みました');
  await page.getByTestId('registry-q').fill(registry);
  await page.getByTestId('registry-search-run').click();
  await expect(page.getByTestId('registry-hits')).toContainText('名簿 太郎');
  await expect(page.getByTestId('registry-hits')).toContainText('マイページなし');
  await screen(page, 'registry-import-390');
  await logout(page);

  // Registered with the kana in hiragana: it still matches.
  await register(page, { registry, kanji: '名簿 太郎', kana: 'めいぼ たろう', birth: '1972-03-04', email, prefecture: '26' });
  await expect(page.getByTestId('identity-email')).toBeVisible();
  await expect(page.getByTestId('link-qr')).toHaveCount(0);
  await screen(page, 'mypage-email-pending-390');

  await page.goto(`/verify-email#${await mailedToken(new URL(page.url()).origin, email)}`);
  await expect(page.getByTestId('verify-ok')).toBeVisible();
  await expect(page.getByTestId('verify-email')).toContainText('認定証');
  await expect(page).toHaveURL(/\/verify-email$/);
  await screen(page, 'verify-email-390');
  await page.getByTestId('verify-to-mypage').click();
  const card = page.getByTestId('certificate-occupational');
  await expect(card).toContainText(`E${registry}`);
  await expect(card).toContainText(iso(until));
  await expect(page.getByTestId('identity-email')).toHaveCount(0);
  await expect(page.getByTestId('link-qr')).toBeVisible();
  await screen(page, 'mypage-registry-certificate-390');
});

test('a physician not in the registry sends the licence; Kyoto staff verify it and My Page opens', async ({ page }) => {
  const registry = uniqueRegistry();
  const email = `lic-${registry}@example.jp`;
  await register(page, { registry, kanji: '免許 花子', kana: 'メンキョ ハナコ', birth: '1990-07-08', email, prefecture: '26' });
  await page.goto(`/verify-email#${await mailedToken(new URL(page.url()).origin, email)}`);
  await expect(page.getByTestId('verify-email')).toContainText('医師免許証');
  await page.getByTestId('verify-to-mypage').click();
  const panel = page.getByTestId('identity-licence');
  await expect(panel).toContainText('認定医名簿にありません');
  await expect(page.getByTestId('send-licence')).toBeDisabled();
  const uploaded = page.waitForResponse((r) => r.url().includes('/api/documents?') && r.status() === 201);
  await page.getByTestId('file-medical_licence').setInputFiles({ name: '医師免許証.pdf', mimeType: 'application/pdf', buffer: LICENCE });
  await uploaded;
  await page.getByTestId('send-licence').click();
  await expect(page.getByTestId('licence-sent')).toContainText('京都府医師会');
  await screen(page, 'mypage-licence-sent-390');
  await page.goto('/mypage/qr');
  await expect(page.getByRole('alert')).toContainText('本人確認');
  await logout(page);

  await login(page, 'kyoto.staff@example.jp', DEMO_PASSWORD);
  await page.goto('/identities');
  await expect(page.getByTestId('identity-queue')).toContainText('森 さくら');
  await page.getByTestId('identity-queue').getByText('免許 花子').click();
  await expect(page.getByTestId('identity-compare')).toContainText('メンキョ');
  await expect(page.getByTestId('open-licence')).toBeVisible();
  await screen(page, 'identity-detail-390');
  // A refusal needs a reason.
  await page.getByTestId('identity-reject').click();
  await expect(page.getByRole('alert')).toContainText('理由');
  await page.getByTestId('identity-verify').click();
  await expect(page).toHaveURL(/\/identities$/);
  await expect(page.getByTestId('identity-queue')).not.toContainText('免許 花子');
  await logout(page);

  await login(page, email, 'a sturdy passphrase');
  await expect(page).toHaveURL(/\/mypage$/);
  await expect(page.getByTestId('identity-licence')).toHaveCount(0);
  await page.getByTestId('link-qr').click();
  await expect(page.getByTestId('qr')).toBeVisible();
});
