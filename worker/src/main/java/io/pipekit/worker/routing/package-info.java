/**
 * Dispatching decoded envelopes to user handlers: {@link io.pipekit.worker.routing.Router} (a
 * {@link io.pipekit.worker.MessageHandler}) built with routes by kind, by source or by an EventBridge
 * event pattern, plus {@link io.pipekit.worker.routing.EnvelopeHandler} and
 * {@link io.pipekit.worker.routing.UnmatchedPolicy}.
 */
package io.pipekit.worker.routing;
