package io.pipekit.worker.sqsd.sample;

import io.pipekit.local.EmbeddedSqs;
import io.pipekit.worker.MessageHandler;
import io.pipekit.worker.Worker;
import io.pipekit.worker.WorkerOptions;
import io.pipekit.worker.BackoffPolicy;
import io.pipekit.worker.sqsd.SqsdSidecar;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import software.amazon.awssdk.services.sqs.SqsClient;
import software.amazon.awssdk.services.sqs.model.QueueAttributeName;

/**
 * sqsd mode end to end on one machine: embedded ElasticMQ, the {@link SampleApp}, and the worker in
 * sqsd mode configured through the same {@code PIPEKIT_SQSD_*} variables a container gets. It sends
 * a plain JSON job, an EventBridge event, a Pipes Kinesis record, a job the app answers 429 and a
 * job it fails once; with {@code decoded} the app sees the payloads instead of the envelopes. A
 * {@code cron.yaml} task runs every minute through the queue.
 *
 * <p>Arguments: {@code [raw|decoded] [seconds to run, default 70]}. The command is in worker/README.md.
 */
public final class SqsdDemo {

    public static void main(String[] args) throws Exception {
        String body = args.length > 0 ? args[0] : "raw";
        int seconds = args.length > 1 ? Integer.parseInt(args[1]) : 70;
        try (EmbeddedSqs local = EmbeddedSqs.start(); SqsClient sqs = local.newClient(); SampleApp app = new SampleApp(0)) {
            String queue = sqs.createQueue(b -> b.queueName("jobs")).queueUrl();
            String cronQueue = sqs.createQueue(b -> b.queueName("cron.fifo").attributes(Map.of(QueueAttributeName.FIFO_QUEUE, "true")))
                    .queueUrl();
            Path cron = Files.createTempFile("cron", ".yaml");
            Files.writeString(cron, """
                    version: 1
                    cron:
                      - name: "heartbeat-report"
                        url: "/tasks/report"
                        schedule: "* * * * *"
                    """);
            cron.toFile().deleteOnExit();

            sqs.sendMessage(b -> b.queueUrl(queue).messageBody("{\"job\":\"resize\",\"image\":\"cat.png\"}")
                    .messageAttributes(Map.of("tenant", software.amazon.awssdk.services.sqs.model.MessageAttributeValue.builder()
                            .dataType("String").stringValue("acme").build())));
            sqs.sendMessage(b -> b.queueUrl(queue).messageBody("""
                    {"version":"0","id":"6a7e8feb-b491-4cf7-a9f1-bf3703467718","detail-type":"Order Placed","source":"com.acme.orders",\
                    "account":"000000000000","time":"2026-11-23T12:00:00Z","region":"us-east-1","resources":[],\
                    "detail":{"orderId":"o-42","total":19.99}}"""));
            sqs.sendMessage(b -> b.queueUrl(queue).messageBody("""
                    {"kinesisSchemaVersion":"1.0","partitionKey":"order-42","sequenceNumber":"4959","data":"eyJ0eXBlIjoib3JkZXIuY3JlYXRlZCIsImlkIjoiNDIifQ==",\
                    "approximateArrivalTimestamp":1754000000.123,"eventSource":"aws:kinesis","eventVersion":"1.0",\
                    "eventID":"shardId-000000000000:4959","eventName":"aws:kinesis:record","invokeIdentityArn":"arn:aws:iam::000000000000:role/pipe",\
                    "awsRegion":"us-east-1","eventSourceARN":"arn:aws:kinesis:us-east-1:000000000000:stream/orders"}"""));
            sqs.sendMessage(b -> b.queueUrl(queue).messageBody("{\"job\":\"busy\"}"));
            sqs.sendMessage(b -> b.queueUrl(queue).messageBody("{\"job\":\"flaky\"}"));

            Map<String, String> env = Map.of(
                    "PIPEKIT_MODE", "sqsd",
                    "PIPEKIT_SQSD_URL", "http://localhost:" + app.port() + "/",
                    "PIPEKIT_SQSD_HEALTH_URL", "/health",
                    "PIPEKIT_SQSD_BODY", body,
                    "PIPEKIT_SQSD_CRON_FILE", cron.toString(),
                    "PIPEKIT_SQSD_CRON_QUEUE_URL", cronQueue);
            WorkerOptions options = WorkerOptions.builder(queue, cronQueue).waitTime(Duration.ofSeconds(2))
                    .backoff(BackoffPolicy.constant(Duration.ofSeconds(3))).build();
            MessageHandler forwarder = SqsdSidecar.start(env, options, local::newClient);
            System.out.println("worker in sqsd mode (" + body + " bodies) → app on port " + app.port() + "; running " + seconds + " s");
            try (Worker worker = Worker.start(sqs, options, forwarder)) {
                Thread.sleep(Duration.ofSeconds(seconds));
            }
            System.out.println("app accepted " + app.accepted() + " POSTs; the 'busy' job waits out its Retry-After: "
                    + sqs.getQueueAttributes(b -> b.queueUrl(queue).attributeNames(QueueAttributeName.APPROXIMATE_NUMBER_OF_MESSAGES_NOT_VISIBLE))
                    .attributes().get(QueueAttributeName.APPROXIMATE_NUMBER_OF_MESSAGES_NOT_VISIBLE) + " message(s) held back");
        }
    }
}
