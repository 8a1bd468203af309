// One seeded Worker per test file: started before the file's tests, stopped after them together
// with every browser profile the tests opened.
import { after, before } from "node:test";

import { WorkerProcess } from "./worker.mjs";
import { Profiles } from "./browser.mjs";

/** Registers the file's `before`/`after` hooks; `suite.worker` is the running Worker (its `url`),
 *  `suite.profiles` opens browser profiles that are closed at the end. */
export function seededSuite() {
  const suite = { worker: undefined, profiles: new Profiles() };
  before(async () => {
    suite.worker = await WorkerProcess.startSeeded();
  }, { timeout: 240_000 });
  after(async () => {
    await suite.profiles.closeAll();
    await suite.worker?.stop();
  });
  return suite;
}
