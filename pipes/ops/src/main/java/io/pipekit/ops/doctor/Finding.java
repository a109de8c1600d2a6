package io.pipekit.ops.doctor;

/**
 * One thing doctor found.
 *
 * @param check short stable id of the check, e.g. {@code rule-queue-policy} (docs/operations.md lists them)
 * @param resource what it is about: an ARN, a queue URL or a name
 * @param breaks what goes wrong because of it, in the user's terms
 * @param fix what to change
 */
public record Finding(Severity severity, String check, String resource, String breaks, String fix) {

    static Finding error(String check, String resource, String breaks, String fix) {
        return new Finding(Severity.ERROR, check, resource, breaks, fix);
    }

    static Finding warning(String check, String resource, String breaks, String fix) {
        return new Finding(Severity.WARNING, check, resource, breaks, fix);
    }

    static Finding note(String check, String resource, String breaks, String fix) {
        return new Finding(Severity.NOTE, check, resource, breaks, fix);
    }

    /** A check the caller's credentials may not run: says so instead of passing (never silent). */
    static Finding unchecked(String check, String resource, String action, String detail) {
        return new Finding(Severity.WARNING, check, resource, "could not check: needs " + action + (detail == null ? "" : " (" + detail + ")"),
                "grant the caller " + action + " (read-only) and run doctor again");
    }
}
