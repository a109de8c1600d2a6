package io.pipekit.pipes.spec;

/**
 * One validation error, precise enough to fix without reading pipekit's code.
 *
 * @param file spec file name
 * @param line 1-based line of the offending key or value (0 if unknown)
 * @param field dotted path, e.g. {@code subscriptions.kinesis[0].batchSize}
 * @param message what is wrong, with the allowed values or range
 */
public record SpecProblem(String file, int line, int column, String field, String message) {

    @Override
    public String toString() {
        return file + ":" + line + ":" + column + ": " + field + ": " + message;
    }
}
