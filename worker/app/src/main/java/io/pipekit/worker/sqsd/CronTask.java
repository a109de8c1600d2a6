package io.pipekit.worker.sqsd;

import java.util.Objects;

/**
 * One entry of a Beanstalk {@code cron.yaml}.
 *
 * @param name     unique task name; becomes {@code X-Aws-Sqsd-Taskname}
 * @param url      the path (on the forward URL's origin) the task is POSTed to
 * @param schedule when it runs, UTC
 */
record CronTask(String name, String url, CronExpression schedule) {

    public CronTask {
        Objects.requireNonNull(name, "name");
        Objects.requireNonNull(url, "url");
        Objects.requireNonNull(schedule, "schedule");
    }
}
