package io.pipekit.worker.sqsd;

import io.pipekit.worker.config.ConfigException;
import java.net.InetAddress;
import java.net.URI;
import java.net.UnknownHostException;

/**
 * The sidecar forwards only to its own task's network namespace unless told otherwise: a message
 * body is data from whoever can write to the queue, and POSTing it to an arbitrary host would turn
 * the worker into a request relay (SSRF). A host passes when every address it resolves to is
 * loopback.
 */
final class LoopbackTarget {

    private LoopbackTarget() {
    }

    static boolean isLoopback(URI uri) {
        String host = uri.getHost();
        if (host == null) {
            return false;
        }
        try {
            InetAddress[] addresses = InetAddress.getAllByName(host.startsWith("[") ? host.substring(1, host.length() - 1) : host);
            for (InetAddress address : addresses) {
                if (!address.isLoopbackAddress()) {
                    return false;
                }
            }
            return addresses.length > 0;
        } catch (UnknownHostException e) {
            return false;
        }
    }

    static void require(String variable, URI uri) {
        if (!isLoopback(uri)) {
            throw new ConfigException(variable, "'" + uri + "' is not a loopback address",
                    "sqsd mode forwards only to the same task (localhost); set PIPEKIT_SQSD_ALLOW_REMOTE=true to forward elsewhere");
        }
    }
}
