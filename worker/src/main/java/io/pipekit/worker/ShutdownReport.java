package io.pipekit.worker;

import java.time.Duration;

/**
 * What a shutdown did.
 *
 * @param took     wall time from the shutdown call to return
 * @param drained  handlers that finished during the drain
 * @param released messages handed back to the queue unprocessed (visibility 0), for another worker
 * @param clean    true when every in-flight handler finished inside the budget
 * @param receivesOpenFor how long after the return a long poll that was out at shutdown may still be open (what it returns is handed back; if the client is closed meanwhile, it may capture a message for one visibility timeout)
 *                 on the server: a message sent to the queue in that window can be handed to it and
 *                 come back only after a visibility timeout (docs/worker-engine.md, "Aborting a long
 *                 poll does not cancel it on the server"). A test that sends to the same queue next
 *                 waits this out; in production another worker simply gets the message later.
 */
public record ShutdownReport(Duration took, int drained, int released, boolean clean, Duration receivesOpenFor) {}
