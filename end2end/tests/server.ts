import { spawn, type ChildProcess } from 'node:child_process';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';

/** A second `nintei` server that a test may stop and start again (the shared one must stay up). */
export class OwnServer {
  readonly url: string;
  private child?: ChildProcess;
  private readonly dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'nintei-own-'));

  constructor(private readonly port: number) {
    this.url = `http://127.0.0.1:${port}`;
  }

  /** Starts it (keeping its database across restarts) and waits until it answers. */
  async start(): Promise<void> {
    const bin = path.resolve(process.env.NINTEI_BIN ?? path.join(__dirname, '../../target/debug/nintei'));
    const dist = path.resolve(process.env.NINTEI_DIST_DIR ?? path.join(__dirname, '../../dist'));
    this.child = spawn(bin, ['serve'], {
      env: {
        ...process.env,
        NINTEI_LISTEN: `127.0.0.1:${this.port}`,
        NINTEI_DATA_DIR: this.dataDir,
        NINTEI_DIST_DIR: dist,
        NINTEI_DEMO: 'true',
        NINTEI_STAFF_TWO_FACTOR: 'false',
        RUST_LOG: 'warn',
      },
      stdio: 'ignore',
    });
    for (let i = 0; i < 120; i++) {
      try {
        if ((await fetch(`${this.url}/api/health`)).ok) return;
      } catch {
        // not up yet
      }
      await new Promise((r) => setTimeout(r, 250));
    }
    throw new Error(`server on ${this.url} did not start`);
  }

  /** Stops it, as if the hall lost its network. */
  async stop(): Promise<void> {
    const child = this.child;
    if (!child || child.exitCode !== null) return;
    const exited = new Promise((r) => child.once('exit', r));
    child.kill('SIGTERM');
    await exited;
  }
}
