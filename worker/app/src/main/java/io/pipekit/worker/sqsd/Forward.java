package io.pipekit.worker.sqsd;

import java.net.URI;
import java.util.Map;

/**
 * One HTTP POST the forwarder will make for a message.
 *
 * @param target  the URL
 * @param headers header name to value, in the order they are sent (Content-Type included)
 * @param body    the request body
 */
record Forward(URI target, Map<String, String> headers, byte[] body) {
}
