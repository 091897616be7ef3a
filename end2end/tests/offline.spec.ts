import { DEMO_PASSWORD, designate, expect, screen, test, todayJst } from './helpers';
import { OwnServer } from './server';

test('a helper page reloaded while the server is unreachable still opens and sends later', async ({ browser, playwright }) => {
  const server = new OwnServer(Number(process.env.E2E_PORT ?? 3100) + 50);
  await server.start();
  try {
    // The organizer (through the API) makes today's session and a helper link.
    const api = await playwright.request.newContext({ baseURL: server.url });
    expect((await api.post('/api/auth/login', { data: { email: 'kyoto.organizer@example.jp', password: DEMO_PASSWORD } })).ok()).toBe(true);
    const session = await (
      await api.post('/api/organizer/sessions', {
        data: {
          title: '電波のない会場', category: 'occupational.lifelong.specialized', units: '1', date: todayJst(),
          starts_at: '00:00', ends_at: '23:59', venue: '地下ホール', prefecture: '26', capacity: '50',
        },
      })
    ).json();
    await designate(server.url, session.id);
    const made = await (await api.post(`/api/organizer/sessions/${session.id}/doors`, { data: { label: '受付3', hours: 4 } })).json();

    // The helper opens the link once with the network: the app shell is kept on the phone.
    const context = await browser.newContext({ baseURL: server.url, viewport: { width: 390, height: 844 }, locale: 'ja-JP', timezoneId: 'Asia/Tokyo' });
    const helper = await context.newPage();
    await helper.goto(made.path);
    await expect(helper.getByTestId('door-session')).toContainText('電波のない会場');
    await helper.waitForFunction(() => navigator.serviceWorker.controller !== null);
    await helper.getByTestId('checkin-number').fill('400000');
    await helper.getByTestId('checkin-record').click();
    await expect(helper.getByTestId('feedback')).toContainText('入室を記録しました');

    // The server is gone. A reload still opens the desk, and a check-out waits on the phone.
    await server.stop();
    await helper.reload();
    await helper.getByTestId('mode-out').click();
    await helper.getByTestId('checkin-number').fill('400000');
    await helper.getByTestId('checkin-record').click();
    await expect(helper.getByTestId('queued')).toContainText('未送信 1件');
    await screen(helper, 'door-cold-offline-390');

    // Back: it is sent by itself.
    await server.start();
    await expect(helper.getByTestId('queued')).toHaveCount(0, { timeout: 20_000 });
    await expect(helper.getByTestId('feedback')).toContainText('退室を記録しました');
    const rows = await (await api.get(`/api/organizer/sessions/${session.id}/attendance`)).json();
    expect(rows.find((r: { registry_number: string }) => r.registry_number === '400000').last_out).toBeTruthy();
    await context.close();
  } finally {
    await server.stop();
  }
});
