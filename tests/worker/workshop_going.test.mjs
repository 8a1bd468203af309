// Workshops' going-counts over HTTP against `wrangler dev`: the server counts the students who say
// they are going (from their summaries in the staff space) and writes the count into the program
// space's workshop as its own write. Concurrent answers, a change of mind, a client that tries to
// set the count, a rebuild of the summaries, and the seeded demo answers all leave it right.
import { after, before, describe, test } from "node:test";
import assert from "node:assert/strict";

import { WorkerProcess, until } from "../support/worker.mjs";
import { Api, DEMO, uniqueId } from "../support/api.mjs";

let worker;
let staff;
let first;
let second;

/** Student 179, a second demo student who signs in with the demo password. */
const OTHER = { email: "student179@demo.imp", id: "s-179" };

before(async () => {
  worker = await WorkerProcess.startSeeded();
  const anon = new Api(worker.url);
  staff = await anon.login(DEMO.staff.email);
  first = await anon.login(DEMO.student.email);
  second = await anon.login(OTHER.email);
}, { timeout: 240_000 });

after(async () => {
  await worker?.stop();
});

/** Every live record of a space as `kind/id` → fields, following a paged pull to its end. */
async function records(api, space) {
  const client = uniqueId("read");
  const all = new Map();
  let cursor = 0;
  let snapshot = false;
  for (;;) {
    const page = await api.pull(space, client, cursor, 0, snapshot ? { snapshot: "true" } : {});
    assert.equal(page.status, 200, page.text);
    if (page.json.reset) snapshot = true;
    for (const change of page.json.changes) {
      const key = `${change.key.kind}/${change.key.id}`;
      if (change.record) all.set(key, change.record.fields);
      else all.delete(key);
    }
    cursor = page.json.cursor;
    if (!page.json.more) return all;
  }
}

/** The workshop's fields as a student pulls them from the program space. */
async function workshop(id, api = first) {
  return (await records(api, "program")).get(`workshop/${id}`);
}

/** Waits until the workshop's pulled `going` is `n`. */
function goingBecomes(id, n) {
  return until(async () => (await workshop(id))?.going === n, { what: `workshop ${id} going = ${n}`, intervalMs: 200 });
}

const rsvp = (workshopId, going) => ({ type: "rsvp_workshop", workshop_id: workshopId, going });

async function answer(api, space, workshopId, going) {
  const pushed = await api.push(space, uniqueId("rsvp"), [{ seq: 1, mutation: rsvp(workshopId, going) }]);
  assert.equal(pushed.status, 200, pushed.text);
  assert.deepEqual(pushed.json.verdicts[0].verdict, { status: "ok" });
}

describe("workshop going-counts", () => {
  test("the seeded answers are counted", async () => {
    const summaries = [...(await records(staff, "staff")).entries()].filter(([key]) => key.startsWith("student_summary/"));
    assert.ok(summaries.length >= 180);
    const goingTo = (id) => summaries.filter(([, fields]) => (fields.workshops_going ?? []).includes(id)).length;
    const program = await records(first, "program");
    for (const id of ["workshop-1", "workshop-2", "workshop-3"]) {
      assert.equal(program.get(`workshop/${id}`).going, goingTo(id), id);
    }
    assert.ok(goingTo("workshop-1") > 0, "the demo has answers to count");
  });

  test("two students answer at once, one changes their mind; a client cannot set the count; a rebuild keeps it", { timeout: 120_000 }, async () => {
    const id = uniqueId("workshop-going");
    // A count in a create is not taken: a new workshop starts at 0.
    const created = await staff.push("program", uniqueId("w"), [{
      seq: 1,
      mutation: {
        type: "create",
        id,
        record: { kind: "workshop", fields: { title: "Salary talks", starts_at: "2030-03-01T02:00:00Z", duration_minutes: 90, place: "Room 101", capacity: 2, going: 7 } },
      },
    }]);
    assert.equal(created.status, 200, created.text);
    assert.deepEqual(created.json.verdicts[0].verdict, { status: "ok" });
    assert.equal((await workshop(id)).going, 0);

    // Both students say they are going, concurrently.
    await Promise.all([
      answer(first, `student:${DEMO.student.id}`, id, true),
      answer(second, `student:${OTHER.id}`, id, true),
    ]);
    await goingBecomes(id, 2);
    const summary = (await records(staff, "staff")).get(`student_summary/${DEMO.student.id}`);
    assert.ok(summary.workshops_going.includes(id), "staff see the answer in the student's summary");

    // One takes it back; the other says again that they are going (a summary that does not
    // change recounts nothing).
    await Promise.all([
      answer(first, `student:${DEMO.student.id}`, id, false),
      answer(second, `student:${OTHER.id}`, id, true),
    ]);
    await goingBecomes(id, 1);

    // Nobody sets the count by a change, staff included (`locked`); other fields still change.
    const setCount = await staff.push("program", uniqueId("w"), [
      { seq: 1, mutation: { type: "update", id, patch: { kind: "workshop", fields: { going: 40 } } } },
      { seq: 2, mutation: { type: "update", id, patch: { kind: "workshop", fields: { capacity: 3 } } } },
    ]);
    assert.equal(setCount.status, 200, setCount.text);
    assert.equal(setCount.json.verdicts[0].verdict.status, "rejected");
    assert.deepEqual(setCount.json.verdicts[0].verdict.reason, { code: "invalid", field: "going", problem: "locked" });
    assert.deepEqual(setCount.json.verdicts[1].verdict, { status: "ok" });
    const changed = await workshop(id);
    assert.equal(changed.capacity, 3);
    assert.equal(changed.going, 1);
    // A student cannot write the program space at all.
    const byStudent = await first.push("program", uniqueId("w"), [
      { seq: 1, mutation: { type: "update", id, patch: { kind: "workshop", fields: { going: 0 } } } },
    ]);
    assert.ok(byStudent.status !== 200 || byStudent.json.verdicts[0].verdict.status === "rejected", byStudent.text);
    assert.equal((await workshop(id)).going, 1);

    // Rebuilding every summary recounts every workshop and keeps the counts right.
    const rebuilt = await staff.request("POST", "/api/v1/admin/summaries", { headers: { "content-length": "0" } });
    assert.equal(rebuilt.status, 200, rebuilt.text);
    assert.equal((await workshop(id)).going, 1, "the rebuild answers after the counts are written");
    const program = await records(first, "program");
    const summaries = [...(await records(staff, "staff")).entries()].filter(([key]) => key.startsWith("student_summary/"));
    const goingTo = (workshopId) => summaries.filter(([, fields]) => (fields.workshops_going ?? []).includes(workshopId)).length;
    for (const [key, fields] of program) {
      if (key.startsWith("workshop/")) assert.equal(fields.going, goingTo(key.slice("workshop/".length)), key);
    }

    // Many answers in quick succession from both (each a push of its own) end at the last word.
    for (let round = 0; round < 4; round += 1) {
      await Promise.all([
        answer(first, `student:${DEMO.student.id}`, id, round % 2 === 0),
        answer(second, `student:${OTHER.id}`, id, round % 2 === 1),
      ]);
    }
    // Last word: the first is not going (round 3 is odd), the second is. Once both summaries
    // say so, every count made from then on is 1, and an older count arriving late is ignored.
    await until(async () => {
      const all = await records(staff, "staff");
      const goes = (student) => all.get(`student_summary/${student}`).workshops_going.includes(id);
      return !goes(DEMO.student.id) && goes(OTHER.id);
    }, { what: "both summaries show the last answers", intervalMs: 200 });
    await goingBecomes(id, 1);
    await answer(first, `student:${DEMO.student.id}`, id, true);
    await goingBecomes(id, 2);
  });
});
