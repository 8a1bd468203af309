// A small client for the Worker's HTTP API, for tests and benchmarks.
export const PROTOCOL = 2;
export const SCHEMA = 1;
export const DEMO_PASSWORD = "imp-demo-password";
export const DEMO = {
  student: { email: "student@demo.imp", id: "s-180" },
  mentor: { email: "mentor@demo.imp", id: "m-001" },
  staff: { email: "staff@demo.imp", id: "staff-1" },
};

/** How wrangler dev's proxy words a runtime swap during a POST (node_modules/wrangler ProxyWorker). */
const WRANGLER_RESTARTED = "Your worker restarted mid-request.";

export class Api {
  constructor(base, token = null) {
    this.base = base;
    this.token = token;
  }

  async request(method, path, { body, raw, headers = {} } = {}) {
    const init = { method, headers: { ...headers } };
    if (this.token) init.headers.authorization = `Bearer ${this.token}`;
    if (raw !== undefined) {
      init.body = raw;
      init.headers["content-type"] = "application/json";
    } else if (body !== undefined) {
      init.body = JSON.stringify(body);
      init.headers["content-type"] = "application/json";
    }
    let response = await fetch(`${this.base}${path}`, init);
    let text = await response.text();
    // wrangler dev's own proxy (not the Worker) answers a request in flight while it swaps its
    // runtime with this 503; it retries GETs itself, not POSTs. Every request here may be sent
    // twice (pushes by their seqs), so one retry keeps that artefact of the local dev server out
    // of the results; it is reported, never silent.
    if (response.status === 503 && text.startsWith(WRANGLER_RESTARTED)) {
      process.stderr.write(`# wrangler dev restarted its runtime during ${method} ${path}; sent again\n`);
      response = await fetch(`${this.base}${path}`, init);
      text = await response.text();
    }
    let json = null;
    try { json = JSON.parse(text); } catch { /* not JSON */ }
    return { status: response.status, json, text, headers: response.headers };
  }

  async login(email, password = DEMO_PASSWORD, headers = {}) {
    const answer = await this.request("POST", "/api/v1/auth/login", { body: { email, password }, headers });
    if (answer.status !== 200) throw new Error(`login ${email}: ${answer.status} ${answer.text}`);
    return new Api(this.base, answer.json.token);
  }

  push(space, clientId, mutations, headers = {}) {
    return this.request("POST", `/api/v1/spaces/${space}/push`, {
      body: { protocol: PROTOCOL, schema: SCHEMA, client_id: clientId, mutations },
      headers,
    });
  }

  /** One pull (protocol 2: one page of at most `extra.limit`, by default the server's cap). */
  pull(space, clientId, cursor = 0, sinceSeq = 0, extra = {}) {
    const query = new URLSearchParams({ cursor, client_id: clientId, since_seq: sinceSeq, protocol: PROTOCOL, schema: SCHEMA, ...extra });
    return this.request("GET", `/api/v1/spaces/${space}/pull?${query}`);
  }

  /** Every change of a space, following the pages (`more`), with `snapshot` after a reset. */
  async pullAll(space, clientId = uniqueId("all")) {
    const changes = [];
    let cursor = 0;
    let snapshot = false;
    for (;;) {
      const page = await this.pull(space, clientId, cursor, 0, snapshot ? { snapshot: true } : {});
      if (page.status !== 200) throw new Error(`pull ${space}: ${page.status} ${page.text}`);
      changes.push(...page.json.changes);
      snapshot = snapshot || page.json.reset === true;
      if (!page.json.more) return changes;
      cursor = page.json.cursor;
    }
  }
}

let counter = 0;
export function uniqueId(prefix) {
  counter += 1;
  return `${prefix}-${process.pid}-${Date.now().toString(36)}-${counter}`;
}

export function taskCreate(id, title, extra = {}) {
  return { type: "create", id, record: { kind: "task", fields: { title, done: false, ...extra } } };
}
