package io.pipekit.cli;

import ch.qos.logback.classic.Level;
import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.turbo.TurboFilter;
import ch.qos.logback.core.spi.FilterReply;
import org.slf4j.Marker;

/**
 * Moves ElasticMQ's {@code Ignored attribute "Policy"} warning to DEBUG. ElasticMQ stores no queue
 * policy (docs/emulators.md §2); apply sets one on every queue it subscribes, so on the local stack
 * the warning is expected and says nothing the user can act on. Every other ElasticMQ warning stays.
 */
public final class ElasticMqPolicyNotice extends TurboFilter {

    @Override
    public FilterReply decide(Marker marker, Logger logger, Level level, String format, Object[] params, Throwable t) {
        if (level != Level.WARN || format == null || !format.startsWith("Ignored attribute \"Policy\"")
                || !logger.getName().startsWith("org.elasticmq")) {
            return FilterReply.NEUTRAL;
        }
        if (logger.isDebugEnabled()) {
            logger.debug(format, params);
        }
        return FilterReply.DENY;
    }
}
