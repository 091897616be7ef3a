import base from './playwright.config';

// Benchmarks in the browser (`make bench-door`): the same server and browser as the e2e suite,
// run apart from it because they print figures instead of passing or failing on time.
export default { ...base, testDir: './bench', testMatch: '*.bench.ts', reporter: [['line']] };
