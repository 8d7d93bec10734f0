/** Polls `check` until it returns a value that is not undefined, or fails after `timeoutMs` (src/lib/poll-until.ts, under the tests' name). */
export { pollUntil as waitFor } from '../../src/lib/poll-until.js';
