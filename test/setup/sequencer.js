/**
 * The order suites start in. Jest runs the suites that took longest last time first (its timing
 * cache), so that no worker is left alone with a long suite at the end. A fresh clone (CI) has no
 * such cache and jest falls back to file size, which started the minute-long NLU accuracy suite
 * last, with the other worker idle. Without any recorded timing this starts the suites known to
 * be slow first, in this order (slowest first, measured on the 2-core machine), then the rest in
 * jest's order; with timings it is exactly jest's own order.
 */
const Sequencer = require('@jest/test-sequencer').default;

const SLOW_FIRST = [
  'services/nlu/embedded/accuracy.test.ts',
  'web/site/widget.browser.test.ts',
  'web/agent/consoleMock.browser.test.ts',
  'app.fairUse.test.ts',
  'bots/http/agentApi.test.ts',
  'web/agent/console.browser.test.ts',
  'services/fairuse/FairUsePolicy.test.ts',
  'bots/http/readiness.test.ts',
  'bots/server.fuzz.test.ts',
  'bots/channels/directline/limits.test.ts',
  'bots/handoff/multiProcess.test.ts',
  'bots/channels/directline/multiInstance.test.ts',
  'bots/channels/directline/fuzz.test.ts',
  'bots/FairUseMiddleware.test.ts',
  'bots/channels/directline/directLineHttp.test.ts',
  'bots/channels/directline/directLineClient.test.ts',
  'web/agent/reports.browser.test.ts',
  'web/agent/supervisorTools.browser.test.ts',
  'services/handoff/CaseStore.test.ts',
  'services/handoff/ports.test.ts',
  'app.reports.test.ts',
].map((p) => `/test/${p}`);

class SlowFirstSequencer extends Sequencer {
  sort(tests) {
    const sorted = super.sort(tests);
    if (sorted.some((t) => t.duration != null)) return sorted;
    const rank = (t) => {
      const i = SLOW_FIRST.findIndex((p) => t.path.replace(/\\/g, '/').endsWith(p));
      return i === -1 ? SLOW_FIRST.length : i;
    };
    return [...sorted].sort((a, b) => rank(a) - rank(b));
  }
}

module.exports = SlowFirstSequencer;
