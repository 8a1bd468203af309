// Evaluations over HTTP against `wrangler dev`: the server judges a pushed evaluation with the
// template it reads itself from the program space (a staff-made version 2 asks one question
// more), lets each side answer only its own kinds, keeps one record per kind and placement, makes
// it final once answered, and carries it into the student's summary for staff, where the latest
// outcome survey becomes the student's outcome.
import { after, before, describe, test } from "node:test";
import assert from "node:assert/strict";

import { WorkerProcess, until } from "../support/worker.mjs";
import { Api, DEMO, uniqueId } from "../support/api.mjs";

let worker;
let staff;
let student;
let mentor;
let placementId;

const SPACE = `student:${DEMO.student.id}`;

before(async () => {
  worker = await WorkerProcess.startSeeded();
  const anon = new Api(worker.url);
  staff = await anon.login(DEMO.staff.email);
  student = await anon.login(DEMO.student.email);
  mentor = await anon.login(DEMO.mentor.email);
  const placement = (await student.pullAll(SPACE)).find((c) => c.key.kind === "placement" && c.record?.fields.state === "active");
  assert.ok(placement, "the demo student's placement is active");
  placementId = placement.key.id;
}, { timeout: 240_000 });

after(async () => {
  await worker?.stop();
});

function evaluation(kind, answers, version = 1) {
  return {
    type: "create",
    id: `ev-${kind}-${placementId}`,
    record: {
      kind: "evaluation",
      fields: { placement_id: placementId, kind, template_id: `evt-${kind}-v${version}`, template_version: version, answers },
    },
  };
}

/** Pushes one mutation as `api` and returns its verdict. */
async function pushOne(api, space, mutation) {
  const answer = await api.push(space, uniqueId("eval"), [{ seq: 1, mutation }]);
  assert.equal(answer.status, 200, answer.text);
  return answer.json.verdicts[0].verdict;
}

const FINAL = [
  { question: "performance", scale: 4 },
  { question: "progress", scale: 5 },
  { question: "strengths", text: "Careful with data" },
];

describe("evaluations on the server", { timeout: 300_000 }, () => {
  test("answers are judged by the template the server reads, by who answers, once", async () => {
    // Staff's version 2 of the mid-point evaluation asks about teamwork too.
    const v2 = {
      type: "create", id: "evt-mentor_midpoint-v2",
      record: {
        kind: "evaluation_template",
        fields: {
          kind: "mentor_midpoint", version: 2, title: "Mid-point evaluation", title_zh: "期中評量",
          questions: [
            { id: "performance", text: "Overall performance (1–5)", text_zh: "", answer: "scale", required: true },
            { id: "teamwork", text: "Teamwork (1–5)", text_zh: "團隊合作", answer: "scale", required: true },
          ],
        },
      },
    };
    assert.equal((await pushOne(staff, "program", v2)).status, "ok");
    // A template whose id does not name its version is refused.
    const misnamed = { ...v2, id: "evt-mentor_midpoint-v7" };
    const refusedTemplate = await pushOne(staff, "program", misnamed);
    assert.equal(refusedTemplate.code, "invalid", JSON.stringify(refusedTemplate));

    // The mentor's answer without the new question: refused, naming it.
    const short = await pushOne(mentor, SPACE, evaluation("mentor_midpoint", [{ question: "performance", scale: 4 }], 2));
    assert.equal(short.code, "invalid", JSON.stringify(short));
    assert.deepEqual(short.reason, { code: "invalid", field: "answers", problem: { unanswered: { number: 2 } } });
    const full = await pushOne(mentor, SPACE, evaluation("mentor_midpoint", [{ question: "performance", scale: 4 }, { question: "teamwork", scale: 5 }], 2));
    assert.equal(full.status, "ok", JSON.stringify(full));

    // The student cannot answer the mentor's; the mentor not the student's.
    const byStudent = await pushOne(student, SPACE, evaluation("mentor_final", FINAL));
    assert.equal(byStudent.code, "forbidden", JSON.stringify(byStudent));
    assert.equal(byStudent.reason.denial, "not_your_evaluation");
    const byMentor = await pushOne(mentor, SPACE, evaluation("self_before", [{ question: "goals", text: "x" }, { question: "skills", scale: 3 }]));
    assert.equal(byMentor.code, "forbidden", JSON.stringify(byMentor));
    assert.equal(byMentor.reason.denial, "not_your_evaluation");

    // Once answered it is final for the mentor; a second create of the same kind meets the first.
    assert.equal((await pushOne(mentor, SPACE, evaluation("mentor_final", FINAL))).status, "ok");
    const again = await pushOne(mentor, SPACE, evaluation("mentor_final", FINAL));
    assert.equal(again.code, "already_exists", JSON.stringify(again));
    const change = await pushOne(mentor, SPACE, { type: "update", id: `ev-mentor_final-${placementId}`, patch: { kind: "evaluation", fields: { answers: [] } } });
    assert.equal(change.code, "forbidden", JSON.stringify(change));
    assert.equal(change.reason.denial, "evaluations_final");

    const stored = (await student.pullAll(SPACE)).find((c) => c.key.id === `ev-mentor_final-${placementId}`);
    assert.equal(stored.record.fields.author, DEMO.mentor.id);
    assert.ok(stored.record.fields.submitted_at, "stamped by the server");
  });

  test("the summary carries the answers, and the latest outcome survey is the outcome", async () => {
    const survey = await pushOne(student, SPACE, evaluation("outcome_3m", [
      { question: "employed", yes: true },
      { question: "in_taiwan", yes: true },
      { question: "route", text: "job-seeking-residence" },
      { question: "employer", text: "Acme Taipei" },
    ]));
    assert.equal(survey.status, "ok", JSON.stringify(survey));
    const summary = await until(async () => {
      const found = (await staff.pullAll("staff")).find((c) => c.key.kind === "student_summary" && c.key.id === DEMO.student.id);
      const fields = found?.record?.fields;
      return fields?.evaluations?.some((e) => e.kind === "outcome_3m") ? fields : null;
    }, { what: "the summary with the survey" });
    assert.deepEqual(summary.outcome, { employed: true, in_taiwan: true, visa_route: "job-seeking-residence" });
    assert.deepEqual(summary.evaluations.map((e) => e.kind).sort(), ["mentor_final", "mentor_midpoint", "outcome_3m"]);
  });
});
