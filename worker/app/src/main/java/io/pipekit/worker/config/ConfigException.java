package io.pipekit.worker.config;

/**
 * A configuration value is missing or wrong. The message names the variable, what is wrong and how
 * to fix it — it is printed as-is to the operator, without a stack trace.
 */
public final class ConfigException extends RuntimeException {

    private final String variable;

    public ConfigException(String variable, String problem, String fix) {
        super(variable + ": " + problem + (fix == null || fix.isEmpty() ? "" : ". " + fix));
        this.variable = variable;
    }

    public String variable() {
        return variable;
    }
}
