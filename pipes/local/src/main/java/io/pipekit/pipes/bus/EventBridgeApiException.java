package io.pipekit.pipes.bus;

/** An EventBridge API error ({@code __type} and message of the JSON 1.1 error body). */
public final class EventBridgeApiException extends RuntimeException {

    private final String errorType;

    public EventBridgeApiException(String errorType, String message) {
        super(message);
        this.errorType = errorType;
    }

    static EventBridgeApiException validation(String message) {
        return new EventBridgeApiException("ValidationException", message);
    }

    static EventBridgeApiException notFound(String message) {
        return new EventBridgeApiException("ResourceNotFoundException", message);
    }

    public String errorType() {
        return errorType;
    }
}
