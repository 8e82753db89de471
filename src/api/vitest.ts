/** `syncwright/vitest`: a scenario as an assertion in a team's own test suite (any runner, despite the name). */
export * from '../vitest.js';
