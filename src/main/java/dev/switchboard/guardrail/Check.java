package dev.switchboard.guardrail;

/**
 * One guardrail's logic. Runs on the texts of a request or of an answer; masks by writing them
 * back; blocks through its verdict. Pure and thread-safe: one instance serves every request.
 */
interface Check {

  Verdict check(Texts texts);
}
