import { chromium } from '@playwright/test';
import { qrVideo } from '../tests/camera';
import { DEMO_PASSWORD, expect, login, openTodaysSession, test } from '../tests/helpers';

// How many times the code is shown to a fresh check-in page.
const RUNS = Number(process.env.BENCH_RUNS ?? 7);

/**
 * Issue #12: from the moment the camera's code is read (the `nintei:qr-read` mark the scanner
 * sets when the decoder worker answers) to the result panel on screen (the next animation frame
 * after it is in the page), on a phone-sized page whose CPU Chrome slows down 4×. Prints each
 * run and the median and the slowest; a figure, not a test (docs/figures.md).
 */
test('door: decode to result panel with the CPU slowed 4×', async ({ page, request, baseURL }) => {
  test.setTimeout(RUNS * 30_000 + 60_000);
  await request.post('/api/auth/login', { data: { email: 'physician03@example.jp', password: DEMO_PASSWORD } });
  const qr = await (await request.get('/api/mypage/qr')).json();
  const video = qrVideo(qr.token);
  await openTodaysSession(page, `計測 ${Date.now()}`);
  const desk = new URL(page.url()).pathname;

  const browser = await chromium.launch({
    executablePath: '/usr/bin/chromium',
    args: ['--no-sandbox', '--disable-gpu', '--use-fake-ui-for-media-stream', '--use-fake-device-for-media-stream', `--use-file-for-fake-video-capture=${video}`],
  });
  const samples: number[] = [];
  try {
    const context = await browser.newContext({ baseURL, viewport: { width: 390, height: 844 }, isMobile: true, hasTouch: true, locale: 'ja-JP', timezoneId: 'Asia/Tokyo' });
    const phone = await context.newPage();
    await login(phone, 'kyoto.organizer@example.jp', DEMO_PASSWORD);
    for (let run = 0; run < RUNS; run++) {
      await phone.goto(desk);
      await expect(phone.getByTestId('camera-start')).toBeVisible();
      const cdp = await context.newCDPSession(phone);
      await cdp.send('Emulation.setCPUThrottlingRate', { rate: 4 });
      await phone.evaluate(() => {
        const w = window as unknown as { shownAt?: number };
        new MutationObserver((_, observer) => {
          if (document.querySelector('[data-testid=feedback] .panel:not(.pending)')) {
            observer.disconnect();
            requestAnimationFrame(() => { w.shownAt = performance.now(); });
          }
        }).observe(document.body, { subtree: true, childList: true });
      });
      await phone.getByTestId('camera-start').click();
      await phone.waitForFunction(() => (window as unknown as { shownAt?: number }).shownAt !== undefined, null, { timeout: 25_000 });
      const ms = await phone.evaluate(() => {
        const read = performance.getEntriesByName('nintei:qr-read')[0];
        return (window as unknown as { shownAt: number }).shownAt - read.startTime;
      });
      samples.push(ms);
      await cdp.send('Emulation.setCPUThrottlingRate', { rate: 1 });
      await cdp.detach();
      console.log(`run ${run + 1}: ${ms.toFixed(1)} ms`);
    }
  } finally {
    await browser.close();
  }
  const sorted = [...samples].sort((a, b) => a - b);
  const median = sorted[Math.floor(sorted.length / 2)];
  console.log(`decode → result panel, CPU 4× slower, ${samples.length} runs: median ${median.toFixed(1)} ms, slowest ${sorted[sorted.length - 1].toFixed(1)} ms (budget 100 ms)`);
});
