/**
 * Typed envelopes: what a pipe, rule, topic or bucket delivered, decoded from a queue message.
 *
 * <p>Public API: {@link io.pipekit.worker.envelope.EnvelopeDecoder}, the sealed
 * {@link io.pipekit.worker.envelope.Envelope} with one record per kind, {@link io.pipekit.worker.envelope.Payload}
 * for lazily decoded payloads, and the two exceptions. Detection follows docs/aws-behaviour.md §10.1; the
 * rest of the package (detector, field reader, attribute-value and timestamp conversion) is
 * package-private.
 */
package io.pipekit.worker.envelope;
