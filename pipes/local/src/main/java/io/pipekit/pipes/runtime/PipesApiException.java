package io.pipekit.pipes.runtime;

/**
 * A Pipes API error with the service's error type and HTTP status (docs/aws-behaviour.md §1.10), e.g.
 * {@code ValidationException}/400, {@code NotFoundException}/404, {@code ConflictException}/409.
 */
public final class PipesApiException extends RuntimeException {

    private final String errorType;
    private final int httpStatus;

    public PipesApiException(String errorType, int httpStatus, String message) {
        super(message);
        this.errorType = errorType;
        this.httpStatus = httpStatus;
    }

    static PipesApiException validation(String message) {
        return new PipesApiException("ValidationException", 400, message);
    }

    static PipesApiException notFound(String name) {
        return new PipesApiException("NotFoundException", 404, "Pipe " + name + " does not exist.");
    }

    static PipesApiException conflict(String message) {
        return new PipesApiException("ConflictException", 409, message);
    }

    public String errorType() {
        return errorType;
    }

    public int httpStatus() {
        return httpStatus;
    }
}
