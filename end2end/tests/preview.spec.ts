import { DEMO_PASSWORD, expect, login, screen, test } from './helpers';

const procedures = ['occupational.renewal', 'sports.new'];

test('the preview computed in the browser equals the server decision', async ({ page }) => {
  await login(page, 'demo.physician@example.jp', DEMO_PASSWORD);
  await expect(page).toHaveURL(/\/mypage$/);
  // The sports course card is shown on request to a physician without sports units.
  await expect(page.getByTestId('decision-sports.new')).toHaveCount(0);
  await page.getByTestId('show-sports-new').click();
  for (const procedure of procedures) {
    const card = page.getByTestId(`decision-${procedure}`);
    await expect(card).toBeVisible();
    const shown = {
      eligible: (await card.getAttribute('data-eligible')) === 'true',
      unmet: (await card.getAttribute('data-unmet'))!.split(',').filter(Boolean).sort(),
      asOf: await card.getAttribute('data-as-of'),
    };
    const server = await page.evaluate(async ([p, asOf]) => {
      const r = await fetch(`/api/mypage/evaluate/${p}`, {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify({ as_of: asOf }),
      });
      return r.json();
    }, [procedure, shown.asOf]);
    expect(shown.eligible).toBe(server.eligible);
    expect(shown.unmet).toEqual([...server.unmet].sort());
  }
  await screen(page, 'mypage-demo-390');
});

test('a planned session changes the preview at once, in the browser', async ({ page }) => {
  await login(page, 'demo.physician@example.jp', DEMO_PASSWORD);
  const card = page.getByTestId('decision-occupational.renewal');
  await expect(card).toBeVisible();
  const before = await card.getAttribute('data-unmet');
  expect(before).toContain('lifelong.total');

  // Add enough planned specialised units to reach 20, without any request to the server.
  let requests = 0;
  page.on('request', (r) => { if (r.url().includes('/api/')) requests += 1; });
  await page.getByTestId('whatif-category').selectOption('occupational.lifelong.specialized');
  await page.getByTestId('whatif-units').fill('10');
  await page.getByTestId('whatif-add').click();
  await expect(page.getByTestId('whatif-active')).toBeVisible();
  await expect(card).toHaveAttribute('data-eligible', 'true');
  expect(requests).toBe(0);
  // What is planned is listed, and each can be taken out again.
  await expect(page.getByTestId('whatif-planned')).toContainText('生涯研修（専門）');
  await expect(page.getByTestId('whatif-planned')).toContainText('10 単位');
  await screen(page, 'mypage-whatif-390');
  await page.getByTestId('whatif-planned').getByRole('button', { name: '外す' }).click();
  await expect(page.getByTestId('whatif-active')).toHaveCount(0);
  await expect(card).toHaveAttribute('data-eligible', 'false');
});
