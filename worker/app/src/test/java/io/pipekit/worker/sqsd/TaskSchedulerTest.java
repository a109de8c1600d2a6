package io.pipekit.worker.sqsd;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.pipekit.worker.Worker;
import io.pipekit.worker.WorkerOptions;
import io.pipekit.worker.BackoffPolicy;
import io.pipekit.worker.testing.ElasticMq;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import software.amazon.awssdk.services.sqs.model.Message;

/** Periodic tasks become queue messages, one per tick, driven by a clock the test moves. */
class TaskSchedulerTest {

    @RegisterExtension
    static final ElasticMq sqs = new ElasticMq();

    private static final Instant START = Instant.parse("2026-11-23T11:59:30Z");

    private static final List<CronTask> TASKS = CronFile.parse("""
            version: 1
            cron:
              - name: "every-minute"
                url: "/tasks/minute"
                schedule: "* * * * *"
              - name: "every-five"
                url: "/tasks/five"
                schedule: "*/5 * * * *"
            """);

    private static List<Message> received(String queue) {
        return sqs.sqs().receiveMessage(b -> b.queueUrl(queue).maxNumberOfMessages(10).waitTimeSeconds(0).visibilityTimeout(60)
                .messageAttributeNames("All")).messages();
    }

    private static List<Message> drainAll(String queue) {
        List<Message> all = new java.util.ArrayList<>();
        for (List<Message> batch = received(queue); !batch.isEmpty(); batch = received(queue)) {
            all.addAll(batch);
        }
        return all;
    }

    private static String attribute(Message message, String name) {
        return message.messageAttributes().get(name).stringValue();
    }

    @Test
    void eachTickOfEachTaskEnqueuesExactlyOneMessage() {
        String queue = sqs.queue("cron-standard");
        MutableClock clock = new MutableClock(START);
        TaskScheduler scheduler = new TaskScheduler(sqs.sqs(), queue, TASKS, clock);

        assertThat(scheduler.sendDue()).isTrue(); // nothing is due before the first whole minute
        for (int minute = 0; minute < 10; minute++) {
            clock.advance(Duration.ofMinutes(1));
            scheduler.sendDue();
            scheduler.sendDue(); // a second pass in the same minute sends nothing more
        }

        List<Message> messages = drainAll(queue);
        assertThat(messages).extracting(Message::body).containsOnly("elasticbeanstalk scheduled job");
        assertThat(messages.stream().filter(m -> attribute(m, "beanstalk.sqsd.task_name").equals("every-minute"))
                .map(m -> attribute(m, "beanstalk.sqsd.scheduled_time")).sorted())
                .containsExactly("2026-11-23T12:00:00Z", "2026-11-23T12:01:00Z", "2026-11-23T12:02:00Z", "2026-11-23T12:03:00Z",
                        "2026-11-23T12:04:00Z", "2026-11-23T12:05:00Z", "2026-11-23T12:06:00Z", "2026-11-23T12:07:00Z",
                        "2026-11-23T12:08:00Z", "2026-11-23T12:09:00Z");
        assertThat(messages.stream().filter(m -> attribute(m, "beanstalk.sqsd.task_name").equals("every-five"))
                .map(m -> attribute(m, "beanstalk.sqsd.scheduled_time")).sorted())
                .containsExactly("2026-11-23T12:00:00Z", "2026-11-23T12:05:00Z");
        assertThat(messages).allSatisfy(m -> assertThat(attribute(m, "beanstalk.sqsd.path")).startsWith("/tasks/"));
    }

    @Test
    void afterAStallOnlyTheLatestMissedTickIsSent() {
        String queue = sqs.queue("cron-stall");
        MutableClock clock = new MutableClock(START);
        TaskScheduler scheduler = new TaskScheduler(sqs.sqs(), queue, TASKS.subList(0, 1), clock);

        clock.advance(Duration.ofMinutes(45)); // e.g. the process was frozen
        scheduler.sendDue();

        assertThat(drainAll(queue)).extracting(m -> attribute(m, "beanstalk.sqsd.scheduled_time")).containsExactly("2026-11-23T12:44:00Z");
    }

    @Test
    void onAFifoQueueTheSameTickFromSeveralReplicasIsEnqueuedOnce() {
        String queue = sqs.queue("cron-replicas", true, Map.of());
        MutableClock clock = new MutableClock(START);
        List<TaskScheduler> replicas = List.of(
                new TaskScheduler(sqs.sqs(), queue, TASKS, clock),
                new TaskScheduler(sqs.sqs(), queue, TASKS, clock),
                new TaskScheduler(sqs.sqs(), queue, TASKS, clock));

        for (int minute = 0; minute < 5; minute++) {
            clock.advance(Duration.ofMinutes(1));
            replicas.forEach(TaskScheduler::sendDue);
        }

        // five every-minute ticks (12:00–12:04) and one every-five tick (12:00), not three of each
        List<Message> messages = drainFifo(queue);
        assertThat(messages).hasSize(6);
        assertThat(messages.stream().map(m -> attribute(m, "beanstalk.sqsd.task_name") + "@" + attribute(m, "beanstalk.sqsd.scheduled_time")))
                .doesNotHaveDuplicates();
    }

    @Test
    void onAStandardQueueEveryReplicaSendsItsOwnCopy() {
        // the documented trade-off: nothing on a standard queue can collapse the replicas' sends
        String queue = sqs.queue("cron-standard-replicas");
        MutableClock clock = new MutableClock(START);
        List<TaskScheduler> replicas = List.of(new TaskScheduler(sqs.sqs(), queue, TASKS.subList(0, 1), clock),
                new TaskScheduler(sqs.sqs(), queue, TASKS.subList(0, 1), clock));
        clock.advance(Duration.ofMinutes(1));
        replicas.forEach(TaskScheduler::sendDue);
        assertThat(drainAll(queue)).extracting(m -> attribute(m, "beanstalk.sqsd.scheduled_time"))
                .containsExactly("2026-11-23T12:00:00Z", "2026-11-23T12:00:00Z");
    }

    /** FIFO hands out one group's next message only after the previous is gone: delete as we go. */
    private static List<Message> drainFifo(String queue) {
        List<Message> all = new java.util.ArrayList<>();
        for (List<Message> batch = received(queue); !batch.isEmpty(); batch = received(queue)) {
            all.addAll(batch);
            batch.forEach(m -> sqs.sqs().deleteMessage(b -> b.queueUrl(queue).receiptHandle(m.receiptHandle())));
        }
        return all;
    }

    @Test
    void aScheduledTaskReachesTheAppThroughTheQueue() throws Exception {
        String queue = sqs.queue("cron-end-to-end");
        MutableClock clock = new MutableClock(START);
        try (RecordingApp app = new RecordingApp()) {
            TaskScheduler scheduler = new TaskScheduler(sqs.sqs(), queue, TASKS.subList(1, 2), clock);
            clock.advance(Duration.ofMinutes(1));
            scheduler.sendDue();

            WorkerOptions options = WorkerOptions.builder(queue).waitTime(Duration.ofSeconds(1)).backoff(BackoffPolicy.immediate()).build();
            try (Worker worker = Worker.start(sqs.sqs(), options, new SqsdForwarder(SqsdConfig.defaults(app.url())))) {
                await().atMost(Duration.ofSeconds(20)).until(() -> sqs.held(queue) == 0);
            }
            assertThat(app.requests()).hasSize(1);
            RecordingApp.Request request = app.requests().getFirst();
            assertThat(request.path()).isEqualTo("/tasks/five");
            assertThat(request.headers()).containsEntry("x-aws-sqsd-taskname", "every-five")
                    .containsEntry("x-aws-sqsd-scheduled-at", "2026-11-23T12:00:00Z")
                    .containsEntry("user-agent", "aws-sqsd/1.1");
        }
    }

    @Test
    void theDeduplicationIdIsTheSameOnEveryReplicaAndDiffersPerTick() {
        CronTask task = TASKS.getFirst();
        Instant tick = Instant.parse("2026-11-23T12:00:00Z");
        assertThat(TaskScheduler.deduplicationId(task, tick)).isEqualTo(TaskScheduler.deduplicationId(task, tick)).hasSize(64);
        assertThat(TaskScheduler.deduplicationId(task, tick)).isNotEqualTo(TaskScheduler.deduplicationId(task, tick.plusSeconds(60)))
                .isNotEqualTo(TaskScheduler.deduplicationId(TASKS.get(1), tick));
    }
}
