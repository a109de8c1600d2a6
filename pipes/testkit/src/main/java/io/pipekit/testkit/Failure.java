package io.pipekit.testkit;

import io.pipekit.worker.QueueMessage;
import java.time.Duration;

/** One failed attempt: the message, what the handler threw, and when the message will be visible again. */
public record Failure(QueueMessage message, Throwable cause, Duration retryDelay) {}
