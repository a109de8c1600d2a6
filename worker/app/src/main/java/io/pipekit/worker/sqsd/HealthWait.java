package io.pipekit.worker.sqsd;

import io.pipekit.worker.config.ConfigException;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Before the worker receives anything, GET the app's health URL until it answers {@code 200}: a
 * message received while the app is still starting would only fail and burn a receive count. Only
 * 200 counts (simple-sqsd accepts any answer although its README says 200; docs/comparable-tools.md §1A).
 */
final class HealthWait {

    private static final Logger log = LoggerFactory.getLogger(HealthWait.class);

    private final URI url;
    private final Duration timeout;
    private final Duration interval;
    private final Duration requestTimeout;

    /**
     * @param timeout  give up after this long; {@link Duration#ZERO} waits forever
     * @param interval pause between probes
     */
    HealthWait(URI url, Duration timeout, Duration interval) {
        this.url = url;
        this.timeout = timeout;
        this.interval = interval;
        this.requestTimeout = Duration.ofSeconds(5);
    }

    /**
     * Returns the number of probes it took once the app answered 200.
     *
     * @throws ConfigException on {@code PIPEKIT_SQSD_HEALTH_URL} when the timeout passes first
     */
    int await() throws InterruptedException {
        long deadline = timeout.isZero() ? Long.MAX_VALUE : System.nanoTime() + timeout.toNanos();
        int probes = 0;
        String last = "no answer yet";
        try (HttpClient http = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).connectTimeout(requestTimeout).build()) {
            while (true) {
                probes++;
                try {
                    int status = http.send(HttpRequest.newBuilder(url).timeout(requestTimeout).header("User-Agent", ForwardRequests.USER_AGENT)
                            .GET().build(), HttpResponse.BodyHandlers.discarding()).statusCode();
                    if (status == 200) {
                        log.info("app is healthy at {} after {} probe(s)", url, probes);
                        return probes;
                    }
                    last = "HTTP " + status;
                } catch (IOException e) {
                    last = e.toString();
                }
                if (probes == 1 || probes % 10 == 0) {
                    log.info("waiting for the app: {} answered {}", url, last);
                }
                if (System.nanoTime() + interval.toNanos() > deadline) {
                    throw new ConfigException(SqsdConfig.HEALTH_URL, "the app did not answer 200 at " + url + " within " + timeout
                            + " (last: " + last + ")", "Check that the app is up, or raise PIPEKIT_SQSD_HEALTH_TIMEOUT");
                }
                Thread.sleep(interval.toMillis());
            }
        }
    }
}
