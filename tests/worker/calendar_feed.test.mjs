// The calendar feed over HTTP against `wrangler dev`: a signed-in person makes a secret URL
// (`POST /api/v1/calendar/feed`) that calendar apps fetch without a session; it answers an
// RFC 5545 calendar of the person's dates (a student's sessions, visa deadlines and the program's
// workshops; a mentor's mentees' sessions and the workshops; staff's workshops). A new URL revokes
// the earlier one, DELETE revokes it, and anything else under /calendar/ is a 404.
//
// The records the tests look for are made here at fixed dates in 2030, never from today.
import { before, describe, test } from "node:test";
import assert from "node:assert/strict";

import { seededSuite } from "../support/suite.mjs";
import { Api, DEMO, uniqueId } from "../support/api.mjs";

const suite = seededSuite();

/** Student 179, another demo student (not the demo mentor's mentee's space). */
const OTHER = { email: "student179@demo.imp", id: "s-179" };
const studentSpace = `student:${DEMO.student.id}`;
/** Long enough to be folded, with multi-octet characters and the characters TEXT escapes. */
const AGENDA = "Mock interview, then the CV; 模擬面試與履歷修改 — bring two printed copies, the portfolio, and questions about the offer";
const escapeText = (text) => text.replace(/\\/g, "\\\\").replace(/;/g, "\\;").replace(/,/g, "\\,").replace(/\n/g, "\\n");

let anon;
let student;
let mentor;
let staff;
let other;
const ids = {};

const sessionCreate = (id, startsAt, agenda) => ({
  type: "create",
  id,
  record: { kind: "mentoring_session", fields: { starts_at: startsAt, time_zone: "Asia/Taipei", duration_minutes: 60, format: "in_person", location: "Room 7", agenda, state: "scheduled" } },
});

async function pushOk(api, space, mutations) {
  const pushed = await api.push(space, uniqueId("c"), mutations.map((mutation, index) => ({ seq: index + 1, mutation })));
  assert.equal(pushed.status, 200, pushed.text);
  assert.ok(pushed.json.verdicts.every((v) => v.verdict.status === "ok"), pushed.text);
}


/** Makes `api`'s feed in `lang`; returns its URL, checked for shape. */
async function makeFeed(api, lang = "en") {
  const answer = await api.request("POST", "/api/v1/calendar/feed", { body: { lang } });
  assert.equal(answer.status, 200, answer.text);
  const { url } = answer.json;
  assert.equal(typeof url, "string", answer.text);
  const prefix = `${suite.worker.url}/api/v1/calendar/`;
  assert.ok(url.startsWith(prefix), `${url} is under ${prefix}`);
  const token = url.slice(prefix.length, -".ics".length);
  assert.ok(url.endsWith(".ics"), url);
  assert.match(token, /^[A-Za-z0-9_-]{22,}$/, "an unguessable URL-safe token");
  assert.ok(!url.includes(api.token), "not the session token");
  return url;
}

/** GET without a session: status, headers and the raw bytes. */
async function fetchFeed(url) {
  const response = await fetch(url);
  return { status: response.status, type: response.headers.get("content-type"), bytes: Buffer.from(await response.arrayBuffer()) };
}

/**
 * Checks an RFC 5545 calendar octet by octet: CRLF line ends only, every physical line at most
 * 75 octets and valid UTF-8 on its own (folds never split a character), BEGIN/END:VCALENDAR
 * around it all. Returns the unfolded content lines and the VEVENTs as property lists.
 */
function readCalendar(bytes) {
  const text = new TextDecoder("utf-8", { fatal: true }).decode(bytes);
  assert.ok(text.startsWith("BEGIN:VCALENDAR\r\n"), text.slice(0, 40));
  assert.ok(text.endsWith("END:VCALENDAR\r\n"), text.slice(-40));
  const physical = [];
  let start = 0;
  for (let index = bytes.indexOf("\r\n", 0); index !== -1; index = bytes.indexOf("\r\n", start)) {
    physical.push(bytes.subarray(start, index));
    start = index + 2;
  }
  assert.equal(start, bytes.length, "the calendar ends with CRLF");
  for (const line of physical) {
    assert.ok(!line.includes(0x0a) && !line.includes(0x0d), `a bare CR or LF in ${JSON.stringify(line.toString())}`);
    assert.ok(line.length <= 75, `${line.length} octets: ${JSON.stringify(line.toString())}`);
    assert.doesNotThrow(() => new TextDecoder("utf-8", { fatal: true }).decode(line), `a fold splits a character: ${line.toString("hex")}`);
    assert.ok(line.length > 0, "no empty lines");
  }
  const unfolded = text.replace(/\r\n[ \t]/g, "").split("\r\n").slice(0, -1);
  const folds = physical.filter((line) => line[0] === 0x20 || line[0] === 0x09).length;
  assert.ok(unfolded.includes("VERSION:2.0"));
  assert.ok(unfolded.some((line) => line.startsWith("PRODID:")));
  assert.equal(unfolded.filter((line) => line === "BEGIN:VCALENDAR").length, 1);
  const events = [];
  let current = null;
  for (const line of unfolded) {
    if (line === "BEGIN:VEVENT") {
      assert.equal(current, null, "VEVENTs do not nest");
      current = [];
    } else if (line === "END:VEVENT") {
      assert.notEqual(current, null, "END:VEVENT after BEGIN:VEVENT");
      events.push(current);
      current = null;
    } else if (current) {
      const colon = line.indexOf(":");
      assert.ok(colon > 0, `a content line is NAME[;params]:value: ${line}`);
      current.push({ name: line.slice(0, colon), value: line.slice(colon + 1) });
    }
  }
  assert.equal(current, null, "every VEVENT ends");
  for (const event of events) {
    for (const name of ["UID", "DTSTAMP"]) assert.ok(event.some((p) => p.name === name), `${name} in ${JSON.stringify(event)}`);
    assert.ok(event.some((p) => p.name.startsWith("DTSTART")), `DTSTART in ${JSON.stringify(event)}`);
  }
  return { unfolded, events, folds };
}

/** The event with `uid`, as a map from property name (with parameters) to the first value. */
function eventWith(calendar, uid) {
  const event = calendar.events.find((properties) => properties.some((p) => p.name === "UID" && p.value === uid));
  return event && Object.fromEntries([...event].reverse().map((p) => [p.name, p.value]));
}

const uids = (calendar) => calendar.events.map((event) => event.find((p) => p.name === "UID").value);

describe("calendar feed", { timeout: 300_000 }, () => {
  // A hook of the describe, not of the file: Node 20 runs root-level hooks at once, before the
  // Worker is up.
  before(async () => {
    anon = new Api(suite.worker.url);
    student = await anon.login(DEMO.student.email);
    mentor = await anon.login(DEMO.mentor.email);
    staff = await anon.login(DEMO.staff.email);
    other = await anon.login(OTHER.email);
    ids.session = uniqueId("session");
    ids.visa = uniqueId("visa");
    ids.otherSession = uniqueId("session");
    await pushOk(student, studentSpace, [
      sessionCreate(ids.session, "2030-05-06T02:00:00Z", AGENDA),
      {
        type: "create",
        id: ids.visa,
        record: { kind: "visa_step", fields: { route: "job_seeking", title: "Renew the residence card", title_zh: "更新居留證", authority: "National Immigration Agency", due_date: "2030-05-20", state: "todo" } },
      },
    ]);
    await pushOk(other, `student:${OTHER.id}`, [sessionCreate(ids.otherSession, "2030-05-07T03:00:00Z", "Someone else's session")]);
  }, { timeout: 60_000 });

  let studentUrl;

  test("making or revoking a feed needs a session", async () => {
    const made = await anon.request("POST", "/api/v1/calendar/feed", { body: { lang: "en" } });
    assert.equal(made.status, 401, made.text);
    const revoked = await anon.request("DELETE", "/api/v1/calendar/feed");
    assert.equal(revoked.status, 401, revoked.text);
  });

  test("the student's feed is an RFC 5545 calendar of their session, visa deadline and the workshops, read without a session", async () => {
    studentUrl = await makeFeed(student);
    const answer = await fetchFeed(studentUrl);
    assert.equal(answer.status, 200, answer.bytes.toString());
    assert.match(answer.type ?? "", /^text\/calendar;\s*charset=utf-8$/i);
    const calendar = readCalendar(answer.bytes);
    assert.ok(calendar.folds > 0, "the long agenda is folded");

    const session = eventWith(calendar, `session-${ids.session}@imp-companion`);
    assert.ok(session, `the session is in ${uids(calendar).join(" ")}`);
    assert.equal(session.DTSTART, "20300506T020000Z");
    assert.equal(session.DTEND, "20300506T030000Z");
    assert.equal(session.LOCATION, "Room 7");
    assert.equal(session.DESCRIPTION, escapeText(AGENDA));
    assert.ok(session.SUMMARY?.length > 0, "a summary");

    const visa = eventWith(calendar, `visa-${ids.visa}@imp-companion`);
    assert.ok(visa, `the visa deadline is in ${uids(calendar).join(" ")}`);
    assert.equal(visa["DTSTART;VALUE=DATE"], "20300520", "an all-day event");
    assert.equal(visa["DTEND;VALUE=DATE"], "20300521");
    assert.equal(visa.SUMMARY, "Renew the residence card");

    assert.ok(eventWith(calendar, "workshop-workshop-1@imp-companion"), "the program's workshops");
    assert.equal(eventWith(calendar, `session-${ids.otherSession}@imp-companion`), undefined, "no other student's session");
  });

  test("the feed follows later changes", async () => {
    const later = uniqueId("session");
    await pushOk(student, studentSpace, [sessionCreate(later, "2030-06-01T01:30:00Z", "Follow-up")]);
    const calendar = readCalendar((await fetchFeed(studentUrl)).bytes);
    assert.equal(eventWith(calendar, `session-${later}@imp-companion`)?.DTSTART, "20300601T013000Z");
  });

  test("a new feed (here in 繁體中文) revokes the earlier URL", async () => {
    const zhUrl = await makeFeed(student, "zh-TW");
    assert.notEqual(zhUrl, studentUrl);
    const old = await fetchFeed(studentUrl);
    assert.equal(old.status, 404, "the earlier URL is revoked");
    const answer = await fetchFeed(zhUrl);
    assert.equal(answer.status, 200);
    const calendar = readCalendar(answer.bytes);
    assert.equal(eventWith(calendar, `visa-${ids.visa}@imp-companion`)?.SUMMARY, "更新居留證");
    assert.ok(eventWith(calendar, `session-${ids.session}@imp-companion`));
    studentUrl = zhUrl;
  });

  test("the mentor's feed has the mentee's sessions; staff's has the workshops only; neither revokes the student's", async () => {
    const mentorCalendar = readCalendar((await fetchFeed(await makeFeed(mentor))).bytes);
    assert.ok(eventWith(mentorCalendar, `session-${ids.session}@imp-companion`), "the mentee's session");
    assert.ok(eventWith(mentorCalendar, "workshop-workshop-1@imp-companion"));
    assert.equal(eventWith(mentorCalendar, `visa-${ids.visa}@imp-companion`), undefined, "not the mentee's visa steps");

    const staffCalendar = readCalendar((await fetchFeed(await makeFeed(staff))).bytes);
    assert.ok(eventWith(staffCalendar, "workshop-workshop-1@imp-companion"));
    assert.ok(uids(staffCalendar).every((uid) => uid.startsWith("workshop-")), uids(staffCalendar).join(" "));

    assert.equal((await fetchFeed(studentUrl)).status, 200, "feeds are per person");
  });

  test("DELETE revokes the feed; a new one can be made after", async () => {
    const revoked = await student.request("DELETE", "/api/v1/calendar/feed");
    assert.equal(revoked.status, 200, revoked.text);
    assert.deepEqual(revoked.json, { ok: true });
    assert.equal((await fetchFeed(studentUrl)).status, 404);
    const again = await makeFeed(student);
    assert.equal((await fetchFeed(again)).status, 200);
    assert.equal((await fetchFeed(studentUrl)).status, 404, "the revoked URL stays revoked");
  });

  test("unknown tokens and other shapes are 404", async () => {
    const url = await makeFeed(student);
    const token = url.slice(url.lastIndexOf("/") + 1, -".ics".length);
    const changed = `${token.slice(0, -1)}${token.endsWith("A") ? "B" : "A"}`;
    const base = `${suite.worker.url}/api/v1/calendar`;
    for (const path of [
      `${base}/nope.ics`,
      `${base}/..%2F.ics`,
      `${base}/%2E%2E%2Ffeed.ics`,
      `${base}/.ics`,
      `${base}/${changed}.ics`,
      `${base}/${token}`,
      `${base}/${token}.ics/extra`,
    ]) {
      const answer = await fetchFeed(path);
      assert.equal(answer.status, 404, `${path}: ${answer.status}`);
    }
    assert.equal((await fetchFeed(url)).status, 200, "the real one still answers");
  });
});
