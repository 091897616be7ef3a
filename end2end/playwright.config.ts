import { defineConfig, devices } from '@playwright/test';
import * as os from 'node:os';
import * as path from 'node:path';

// The real `nintei` binary serving the real client build, on a fresh database with demo data.
const port = Number(process.env.E2E_PORT ?? 3100);
const bin = process.env.NINTEI_BIN ?? '../target/debug/nintei';
const dist = process.env.NINTEI_DIST_DIR ?? path.resolve(__dirname, '../dist');
const dataDir = path.join(os.tmpdir(), `nintei-e2e-${process.pid}`);

export default defineConfig({
  testDir: './tests',
  outputDir: './test-results',
  timeout: 60_000,
  expect: { timeout: 15_000 },
  fullyParallel: false,
  workers: 1,
  reporter: [['list']],
  use: {
    baseURL: `http://127.0.0.1:${port}`,
    // Debian's Chromium: Playwright's own browser download is not possible here.
    launchOptions: {
      executablePath: '/usr/bin/chromium',
      args: [
        '--no-sandbox',
        '--disable-gpu',
        '--disable-quic',
        '--no-first-run',
        '--disable-background-networking',
        '--disable-component-update',
        '--disable-sync',
      ],
    },
    ...devices['Pixel 7'],
    viewport: { width: 390, height: 844 },
    locale: 'ja-JP',
    timezoneId: 'Asia/Tokyo',
    screenshot: 'only-on-failure',
  },
  webServer: {
    command: `rm -rf ${dataDir} && ${bin} serve`,
    url: `http://127.0.0.1:${port}/api/health`,
    reuseExistingServer: false,
    timeout: 120_000,
    stdout: 'pipe',
    env: {
      NINTEI_LISTEN: `127.0.0.1:${port}`,
      NINTEI_DATA_DIR: dataDir,
      NINTEI_DIST_DIR: dist,
      NINTEI_DEMO: 'true',
      // Staff demo accounts sign in with a password; the second factor has its own API tests and spec.
      NINTEI_STAFF_TWO_FACTOR: 'false',
      RUST_LOG: 'warn',
    },
  },
});
