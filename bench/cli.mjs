// The command line of `npm run bench`, and how much a run measures (the default run and --quick).
import { parseArgs } from 'node:util';

const USAGE = 'usage: npm run bench -- [--quick] [--no-dev] [--candidate <dry-run outdir>]';

/**
 * @typedef {object} Options
 * @property {boolean} quick
 * @property {boolean} withDev            measure `wrangler dev` too (unless --no-dev)
 * @property {string | undefined} candidate   a second production bundle (a proposed change, built
 *                                          with `wrangler deploy --dry-run --outdir`) measured alongside
 */

/**
 * Reads the arguments; prints the usage and exits on --help (0) or on anything it does not know (2).
 * @param {string[]} argv
 * @returns {Options}
 */
export function parseOptions(argv) {
  let values;
  try {
    ({ values } = parseArgs({
      args: argv,
      options: {
        quick: { type: 'boolean', default: false },
        'no-dev': { type: 'boolean', default: false },
        candidate: { type: 'string' },
        help: { type: 'boolean', default: false },
      },
    }));
  } catch (error) {
    console.error(`${error instanceof Error ? error.message : error}\n${USAGE}`);
    process.exit(2);
  }
  if (values.help) {
    console.log(USAGE);
    process.exit(0);
  }
  return { quick: values.quick, withDev: !values['no-dev'], candidate: values.candidate };
}

const FULL = {
  connections: 16,
  dataSeconds: 5,
  warmupSeconds: 2,
  dataRounds: 3,
  logins: 40,
  timingPairs: 80,
  coldStarts: 5,
  devSeconds: 5,
  jwtRounds: 12,
  stageSeconds: 3,
  revocationTrials: 30,
  deadlineMinutes: 12,
};
/** @typedef {typeof FULL} Plan */

/** @type {Plan} */
const QUICK = {
  connections: 16,
  dataSeconds: 3,
  warmupSeconds: 1,
  dataRounds: 1,
  logins: 12,
  timingPairs: 25,
  coldStarts: 2,
  devSeconds: 3,
  jwtRounds: 4,
  stageSeconds: 0,
  revocationTrials: 8,
  deadlineMinutes: 5,
};

/** @returns {Plan} */
export const planFor = (/** @type {Options} */ options) => (options.quick ? QUICK : FULL);
