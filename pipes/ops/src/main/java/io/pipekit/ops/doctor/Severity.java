package io.pipekit.ops.doctor;

/** How bad a {@link Finding} is; decides doctor's exit code. */
public enum Severity {
    /** Events are lost, dropped or stuck now, or will be at the first failure. Exit 2. */
    ERROR,
    /** A risk, or a check that could not run (missing permission). Exit 1. */
    WARNING,
    /** What was not checked and why (no such service at this endpoint). Exit code unaffected. */
    NOTE
}
