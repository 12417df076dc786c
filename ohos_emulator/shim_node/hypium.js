// The emulated device's `@ohos/hypium`: a small describe/it/expect runner of this project that test
// bundles import as they import OpenHarmony's hypium. It prints the OHOS_REPORT_* stream of hypium's
// OhReport through the ability delegator (each print is one printSync: aa adds the newline) and ends
// with finishTest. Format and options: docs/upstream-facts.md §3.6 (arkXtest hypium
// `core/module/report/OhReport.js`, `core/service.js`).

const TAG_STATUS = 'OHOS_REPORT_STATUS';
const DEFAULT_TIMEOUT_MS = 5000;
const DRY_RUN_CHUNK = 500;

class AssertException extends Error {
  constructor(message) {
    super(message);
    this.name = 'AssertException';
  }
}

const root = { name: '', suites: [], specs: [], hooks: emptyHooks() };
let current = root;

function emptyHooks() {
  return { beforeAll: [], afterAll: [], beforeEach: [], afterEach: [] };
}

export function describe(name, body) {
  const suite = { name: current === root ? name : `${current.name}.${name}`, suites: [], specs: [], hooks: emptyHooks() };
  current.suites.push(suite);
  const parent = current;
  current = suite;
  try {
    body();
  } finally {
    current = parent;
  }
}

/** `it(name, filter, body)` as hypium has it; `it(name, body)` too. */
export function it(name, filterOrBody, maybeBody) {
  const body = typeof filterOrBody === 'function' ? filterOrBody : maybeBody;
  current.specs.push({ name, body });
}

export const beforeAll = (fn) => current.hooks.beforeAll.push(fn);
export const afterAll = (fn) => current.hooks.afterAll.push(fn);
export const beforeEach = (fn) => current.hooks.beforeEach.push(fn);
export const afterEach = (fn) => current.hooks.afterEach.push(fn);

function check(pass, message) {
  if (!pass) {
    throw new AssertException(message);
  }
}

export function expect(actual) {
  return {
    assertEqual: (expected) => check(actual === expected, `expect ${actual} equals ${expected}`),
    assertTrue: () => check(actual === true, `expect true, actualValue is ${actual}`),
    assertFalse: () => check(actual === false, `expect false, actualValue is ${actual}`),
    assertUndefined: () => check(actual === undefined, `expect undefined, actualValue is ${actual}`),
    assertNull: () => check(actual === null, `expect null, actualValue is ${actual}`),
    assertContain: (item) => check(actual != null && actual.includes(item), `expect ${actual} contains ${item}`),
    assertInstanceOf: (type) =>
      check(Object.prototype.toString.call(actual) === `[object ${type}]`, `expect ${actual} is a ${type}`),
    assertDeepEquals: (expected) =>
      check(JSON.stringify(actual) === JSON.stringify(expected), `expect ${JSON.stringify(actual)} deep equals ${JSON.stringify(expected)}`),
    assertFail: () => check(false, 'expect fail'),
  };
}

function allSuites(suite, into = []) {
  for (const child of suite.suites) {
    if (child.specs.length > 0) {
      into.push(child);
    }
    allSuites(child, into);
  }
  return into;
}

/** `-s class A,B#t` / `-s notClass ...`: is spec `t` of suite `A` selected? */
function selector(parameters) {
  const split = (value) => (value ? String(value).split(',').filter(Boolean) : []);
  const only = split(parameters['-s class']);
  const not = split(parameters['-s notClass']);
  const matches = (list, suite, spec) => list.some((item) => item === suite || item === `${suite}#${spec}`);
  return (suite, spec) => (only.length === 0 || matches(only, suite, spec)) && !matches(not, suite, spec);
}

function withTimeout(fn, timeoutMs) {
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`execute timeout ${timeoutMs}ms`)), timeoutMs);
    const finish = (err) => {
      clearTimeout(timer);
      return err ? reject(err) : resolve();
    };
    try {
      if (fn.length >= 1) {
        Promise.resolve(fn(() => finish())).catch(finish);
      } else {
        Promise.resolve(fn()).then(() => finish(), finish);
      }
    } catch (err) {
      finish(err);
    }
  });
}

async function runHooks(hooks, timeoutMs) {
  for (const hook of hooks) {
    await withTimeout(hook, timeoutMs);
  }
}

function specDoneText(suite, index, total, spec, outcome, ms) {
  let text = `\n${TAG_STATUS}: class=${suite}\n${TAG_STATUS}: current=${index}\n${TAG_STATUS}: id=JS\n${TAG_STATUS}: numtests=${total}\n`;
  if (outcome.error === null) {
    text += `${TAG_STATUS}: stream=\n${TAG_STATUS}: test=${spec}\nOHOS_REPORT_STATUS_CODE: 0\n`;
  } else {
    const failed = outcome.error instanceof AssertException;
    text += `${TAG_STATUS}: stack=${String(outcome.error.stack || '').replace(/\n$/, '')}\n`;
    text += `${TAG_STATUS}: stream=Error in ${spec}, ${outcome.error.message}\n${TAG_STATUS}: test=${spec}\n`;
    text += `OHOS_REPORT_STATUS_CODE: ${failed ? -2 : -1}\n`;
  }
  return `${text}${TAG_STATUS}: consuming=${ms}`;
}

async function run(delegator, parameters, suites, selected) {
  const timeoutMs = Number(parameters['-s timeout']) || DEFAULT_TIMEOUT_MS;
  const plan = suites.map((suite) => ({ suite, specs: suite.specs.filter((spec) => selected(suite.name, spec.name)) }));
  const total = plan.reduce((sum, entry) => sum + entry.specs.length, 0);
  const summary = { pass: 0, failure: 0, error: 0 };
  const taskStart = Date.now();
  let index = 0;
  for (const { suite, specs } of plan.filter((entry) => entry.specs.length > 0)) {
    const suiteStart = Date.now();
    delegator.print(`\nOHOS_REPORT_SUM: ${specs.length}\n${TAG_STATUS}: class=${suite.name}`);
    await runHooks(suite.hooks.beforeAll, timeoutMs);
    for (const spec of specs) {
      index += 1;
      delegator.print(
        `\n${TAG_STATUS}: class=${suite.name}\n${TAG_STATUS}: current=${index}\n${TAG_STATUS}: id=JS\n` +
          `${TAG_STATUS}: numtests=${total}\n${TAG_STATUS}: stream=\n${TAG_STATUS}: test=${spec.name}\nOHOS_REPORT_STATUS_CODE: 1`,
      );
      const started = Date.now();
      const outcome = { error: null };
      try {
        await runHooks(suite.hooks.beforeEach, timeoutMs);
        await withTimeout(spec.body, timeoutMs);
        await runHooks(suite.hooks.afterEach, timeoutMs);
      } catch (err) {
        outcome.error = err instanceof Error ? err : new Error(String(err));
      }
      if (outcome.error === null) {
        summary.pass += 1;
      } else if (outcome.error instanceof AssertException) {
        summary.failure += 1;
      } else {
        summary.error += 1;
      }
      delegator.print(specDoneText(suite.name, index, total, spec.name, outcome, Date.now() - started));
    }
    await runHooks(suite.hooks.afterAll, timeoutMs);
    delegator.print(`\n${TAG_STATUS}: class=${suite.name}\n${TAG_STATUS}: suiteconsuming=${Date.now() - suiteStart}`);
  }
  const ran = summary.pass + summary.failure + summary.error;
  delegator.print(
    `\nOHOS_REPORT_RESULT: stream=Tests run: ${total}, Failure: ${summary.failure}, Error: ${summary.error}, ` +
      `Pass: ${summary.pass}, Ignore: ${total - ran}\nOHOS_REPORT_CODE: ${summary.failure > 0 ? -1 : 0}\n` +
      `${TAG_STATUS}: taskconsuming=${Date.now() - taskStart}\n`,
  );
  delegator.finishTest('your test finished!!!', 0);
}

function dryRun(delegator, suites, selected) {
  const listed = suites.map((suite) => ({
    [suite.name]: suite.specs.filter((spec) => selected(suite.name, spec.name)).map((spec) => ({ itName: spec.name })),
  }));
  const text = JSON.stringify({ suites: listed });
  for (let at = 0; at < text.length; at += DRY_RUN_CHUNK) {
    delegator.print(text.slice(at, at + DRY_RUN_CHUNK));
  }
  delegator.finishTest('dry run finished!!!', 0);
}

export const Hypium = {
  /** Run (or, with `-s dryRun true`, list) the suites `testsuite()` declares. */
  async hypiumTest(delegator, args, testsuite) {
    testsuite();
    const parameters = (args && args.parameters) || {};
    const suites = allSuites(root);
    const selected = selector(parameters);
    if (parameters['-s dryRun'] === 'true') {
      dryRun(delegator, suites, selected);
      return;
    }
    await run(delegator, parameters, suites, selected);
  },
};
