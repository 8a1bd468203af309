// Starts and stops a real `wrangler dev` (workerd) for tests: a free loopback port, a temporary
// persist dir with the D1 migrations applied, test hooks on, and the whole process group killed on
// stop so no workerd is left behind.
import { spawn, execFileSync } from "node:child_process";
import { randomBytes } from "node:crypto";
import { mkdtempSync, rmSync } from "node:fs";
import { createServer } from "node:net";
import { tmpdir } from "node:os";
import { join, resolve } from "node:path";

export const ROOT = resolve(import.meta.dirname, "..", "..");
const WORKER_DIR = join(ROOT, "worker");
const WRANGLER = join(ROOT, "node_modules", ".bin", "wrangler");
const ENV = {
  ...process.env,
  WRANGLER_SEND_METRICS: "false",
  WRANGLER_SEND_ERROR_REPORTS: "false",
  CLOUDFLARE_CF_FETCH_ENABLED: "false",
  WRANGLER_HIDE_BANNER: "true",
  WRANGLER_LOG: "warn",
};

export async function freePort() {
  return new Promise((resolvePort, reject) => {
    const server = createServer();
    server.once("error", reject);
    server.listen(0, "127.0.0.1", () => {
      const { port } = server.address();
      server.close(() => resolvePort(port));
    });
  });
}

/** Polls `check` until it returns a truthy value or the deadline passes. */
export async function until(check, { timeoutMs = 30_000, intervalMs = 100, what = "condition" } = {}) {
  const deadline = Date.now() + timeoutMs;
  let lastError;
  while (Date.now() < deadline) {
    try {
      const value = await check();
      if (value) return value;
    } catch (error) {
      lastError = error;
    }
    await new Promise((r) => setTimeout(r, intervalMs));
  }
  throw new Error(`timed out waiting for ${what}${lastError ? `: ${lastError.message}` : ""}`);
}

/** A running Worker. `restart()` keeps the same storage; `stop()` ends it and removes its storage. */
export class WorkerProcess {
  constructor({ persistDir, port, vars, seedSecret }) {
    this.persistDir = persistDir;
    this.port = port;
    this.vars = vars;
    this.seedSecret = seedSecret;
    this.url = `http://127.0.0.1:${port}`;
    this.log = "";
  }

  /** `prepare(persistDir)` runs after the migrations and before the Worker starts; `vars` are
   *  more Worker vars (`{ NAME: "value" }`). */
  static async start({ hooks = true, demo = true, assetsDir = null, prepare = null, vars: extra = {} } = {}) {
    const persistDir = mkdtempSync(join(tmpdir(), "imp-worker-"));
    execFileSync(WRANGLER, ["d1", "migrations", "apply", "DB", "--local", "--persist-to", persistDir], {
      cwd: WORKER_DIR,
      env: ENV,
      stdio: "pipe",
    });
    if (prepare) await prepare(persistDir);
    const vars = [];
    // Seeding needs this secret (or a staff session): a fresh random one per Worker.
    const seedSecret = randomBytes(16).toString("hex");
    if (hooks) vars.push("--var", "IMP_TEST_HOOKS:on");
    if (demo) vars.push("--var", "IMP_DEMO:on", "--var", `IMP_SEED_SECRET:${seedSecret}`);
    if (assetsDir) vars.push("--assets", assetsDir);
    for (const [name, value] of Object.entries(extra)) vars.push("--var", `${name}:${value}`);
    // A port found free can be taken by another process (wrangler's inspector, another run's
    // workerd) before wrangler binds it: then wrangler exits at once, and a new port is tried.
    for (let attempt = 1; ; attempt += 1) {
      const worker = new WorkerProcess({ persistDir, port: await freePort(), vars, seedSecret });
      try {
        await worker.launch();
        return worker;
      } catch (error) {
        if (attempt >= 3 || !/Address already in use/.test(worker.log)) throw error;
      }
    }
  }

  /** A Worker with the demo program seeded (what most end-to-end tests start from). */
  static async startSeeded(options = {}) {
    const worker = await WorkerProcess.start(options);
    const seeded = await worker.seed();
    if (seeded.status !== 200) {
      await worker.stop();
      throw new Error(`seeding failed: ${seeded.status} ${await seeded.text()}`);
    }
    // Right after the long seeding request, wrangler dev's proxy sometimes loses its connection
    // to the runtime and answers the next POST with its own 503 ("Your worker restarted
    // mid-request"). Wait until a POST reaches the Worker itself (its JSON 401 for a logout
    // without a token) before a test sends its own.
    await until(async () => {
      const answer = await fetch(`${worker.url}/api/v1/auth/logout`, { method: "POST", headers: { "content-length": "0" } });
      return answer.status === 401 && /json/.test(answer.headers.get("content-type") ?? "");
    }, { timeoutMs: 30_000, intervalMs: 50, what: "a POST to reach the Worker after seeding" });
    return worker;
  }

  /** Seeds the demo data with this Worker's seeding secret (`IMP_DEMO` must be on). */
  seed(headers = {}) {
    return fetch(`${this.url}/api/v1/admin/seed`, {
      method: "POST",
      headers: { "content-length": "0", "x-imp-seed-secret": this.seedSecret, ...headers },
    });
  }

  async launch() {
    this.child = spawn(
      WRANGLER,
      ["dev", "--ip", "127.0.0.1", "--port", String(this.port), "--persist-to", this.persistDir,
        "--show-interactive-dev-session=false", "--live-reload=false", ...this.vars],
      // Each Worker gets its own dev registry, so the wrangler dev sessions of one machine (a CI
      // run next to a developer's tests) never see each other.
      { cwd: WORKER_DIR, env: { ...ENV, WRANGLER_REGISTRY_PATH: join(this.persistDir, "registry") }, detached: true, stdio: ["ignore", "pipe", "pipe"] },
    );
    this.exited = new Promise((done) => this.child.once("exit", done));
    const keep = (chunk) => { this.log = (this.log + chunk).slice(-20_000); };
    this.child.stdout.on("data", keep);
    this.child.stderr.on("data", keep);
    try {
      // Wrangler exiting (a port already taken, a bad config) ends the wait at once.
      const state = await until(async () => {
        if (!this.running) return "exited";
        return (await fetch(`${this.url}/api/v1/health`, { signal: AbortSignal.timeout(5_000) })).ok && "healthy";
      }, { timeoutMs: 90_000, intervalMs: 250, what: `wrangler dev on ${this.url}` });
      if (state === "exited") throw new Error(`wrangler dev on ${this.url} exited before answering`);
    } catch (error) {
      await this.kill();
      throw new Error(`${error.message}\n--- wrangler log ---\n${this.log}`);
    }
  }

  /** Whether the runtime process is still alive. */
  get running() {
    return Boolean(this.child) && this.child.exitCode === null && this.child.signalCode === null;
  }

  async kill() {
    if (!this.running) return;
    try { process.kill(-this.child.pid, "SIGTERM"); } catch { /* already gone */ }
    const timer = setTimeout(() => { try { process.kill(-this.child.pid, "SIGKILL"); } catch { /* gone */ } }, 5_000);
    await this.exited;
    clearTimeout(timer);
  }

  /** Kills the runtime without warning (SIGKILL to the whole group), as a crash would. */
  async crash() {
    try { process.kill(-this.child.pid, "SIGKILL"); } catch { /* gone */ }
    await this.exited;
  }

  async restart() {
    await this.kill();
    await this.launch();
  }

  async stop() {
    await this.kill();
    rmSync(this.persistDir, { recursive: true, force: true });
  }
}
