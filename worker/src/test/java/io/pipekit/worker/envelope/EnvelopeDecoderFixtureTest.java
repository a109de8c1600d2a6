package io.pipekit.worker.envelope;

import static io.pipekit.worker.envelope.Fixtures.fixture;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.amazonaws.services.lambda.runtime.events.DynamodbEvent;
import com.amazonaws.services.lambda.runtime.events.KinesisEvent;
import com.amazonaws.services.lambda.runtime.events.SNSEvent;
import com.amazonaws.services.lambda.runtime.events.SQSEvent;
import com.amazonaws.services.lambda.runtime.events.ScheduledEvent;
import com.amazonaws.services.lambda.runtime.events.models.dynamodb.AttributeValue;
import com.amazonaws.services.lambda.runtime.events.models.s3.S3EventNotification;
import java.math.BigDecimal;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** One test per fixture body (docs/aws-behaviour.md samples and variants), asserting the typed fields. */
class EnvelopeDecoderFixtureTest {

    record Order(String type, String id) {
    }

    record Item(String sku, int qty) {
    }

    record OrderDetail(String orderId, BigDecimal total, List<Item> items) {
    }

    private final EnvelopeDecoder decoder = new EnvelopeDecoder();

    private <E extends Envelope> E decode(String fixture, Class<E> kind) {
        Envelope envelope = decoder.decode(fixture(fixture));
        assertThat(envelope).as(envelope.summary()).isInstanceOf(kind);
        assertThat(envelope.messageId()).isEqualTo("msg-" + fixture);
        return kind.cast(envelope);
    }

    @Test
    void pipesKinesisDocSampleWithTextData() {
        PipesKinesisRecord r = decode("pipes-kinesis-text.json", PipesKinesisRecord.class);
        assertThat(r.kind()).isEqualTo(EnvelopeKind.PIPES_KINESIS);
        assertThat(r.eventSourceArn()).isEqualTo("arn:aws:kinesis:us-east-2:123456789012:stream/my-stream");
        assertThat(r.streamName()).isEqualTo("my-stream");
        assertThat(r.shardId()).isEqualTo("shardId-000000000006");
        assertThat(r.partitionKey()).isEqualTo("1");
        assertThat(r.sequenceNumber()).isEqualTo("49590338271490256608559692538361571095921575989136588898");
        assertThat(r.approximateArrival()).isEqualTo(Instant.ofEpochMilli(1545084650987L));
        assertThat(r.invokeIdentityArn()).isEqualTo("arn:aws:iam::123456789012:role/pipe-role");
        assertThat(r.awsRegion()).isEqualTo("us-east-2");
        assertThat(r.data().text()).isEqualTo("Hello, this is a test.");
        assertThat(r.data().bytes()).isEqualTo("Hello, this is a test.".getBytes(StandardCharsets.UTF_8));
        assertThat(r.data().isJson()).isFalse();
        assertThatThrownBy(() -> r.data().json()).isInstanceOf(PayloadException.class).hasMessageContaining("not JSON");
    }

    @Test
    void pipesKinesisJsonDataBindsToUserClassAndLambdaModel() {
        PipesKinesisRecord r = decode("pipes-kinesis-json.json", PipesKinesisRecord.class);
        assertThat(r.data().isJson()).isTrue();
        assertThat(r.data().json().get("type").asText()).isEqualTo("order.created");
        assertThat(r.data().as(Order.class)).isEqualTo(new Order("order.created", "42"));
        assertThat(r.approximateArrival()).isEqualTo(Instant.ofEpochMilli(1754000000123L));
        assertThat(r.streamName()).isEqualTo("orders");

        KinesisEvent.KinesisEventRecord lambda = r.toKinesisEventRecord();
        assertThat(lambda.getEventSource()).isEqualTo("aws:kinesis");
        assertThat(lambda.getEventSourceARN()).isEqualTo("arn:aws:kinesis:eu-west-1:123456789012:stream/orders");
        assertThat(lambda.getEventName()).isEqualTo("aws:kinesis:record");
        assertThat(lambda.getEventVersion()).isEqualTo("1.0");
        assertThat(lambda.getEventID()).startsWith("shardId-000000000000:");
        assertThat(lambda.getInvokeIdentityArn()).isEqualTo("arn:aws:iam::123456789012:role/pipe-role");
        assertThat(lambda.getAwsRegion()).isEqualTo("eu-west-1");
        KinesisEvent.Record kinesis = lambda.getKinesis();
        assertThat(kinesis.getKinesisSchemaVersion()).isEqualTo("1.0");
        assertThat(kinesis.getPartitionKey()).isEqualTo("order-42");
        assertThat(StandardCharsets.UTF_8.decode(kinesis.getData()).toString())
                .isEqualTo("{\"type\":\"order.created\",\"id\":\"42\"}");
        assertThat(kinesis.getApproximateArrivalTimestamp().getTime()).isEqualTo(1754000000123L);
    }

    @Test
    void pipesKinesisBinaryDataIsBase64Decoded() {
        PipesKinesisRecord r = decode("pipes-kinesis-binary.json", PipesKinesisRecord.class);
        byte[] expected = {0x00, (byte) 0xff, (byte) 0xfe, (byte) 0x80, 0x7f, 0x10, 0x01};
        assertThat(r.data().bytes()).isEqualTo(expected);
        assertThat(r.data().size()).isEqualTo(7);
        assertThat(r.data().isJson()).isFalse();
        ByteBuffer buffer = r.data().buffer();
        assertThat(buffer.isReadOnly()).isTrue();
        assertThat(buffer.remaining()).isEqualTo(7);
        assertThat(r.toKinesisRecord().getData().array()).isEqualTo(expected);
    }

    @Test
    void pipesDynamoDbInsert() {
        PipesDynamoDbRecord r = decode("pipes-dynamodb-insert.json", PipesDynamoDbRecord.class);
        assertThat(r.kind()).isEqualTo(EnvelopeKind.PIPES_DYNAMODB);
        assertThat(r.isInsert()).isTrue();
        assertThat(r.tableName()).isEqualTo("EventSourceTable");
        assertThat(r.eventId()).isEqualTo("1");
        assertThat(r.sequenceNumber()).isEqualTo("111");
        assertThat(r.streamViewType()).isEqualTo("NEW_AND_OLD_IMAGES");
        assertThat(r.createdAt()).isEqualTo(Instant.parse("2024-01-01T00:00:00Z"));
        assertThat(r.sizeBytes()).isEqualTo(26L);
        assertThat(r.keys()).containsExactly(Map.entry("Id", new BigDecimal("101")));
        assertThat(r.newImage()).hasValue(Map.of("Message", "New item!", "Id", new BigDecimal("101")));
        assertThat(r.oldImage()).isEmpty();
        assertThat(r.isTtlDelete()).isFalse();

        DynamodbEvent.DynamodbStreamRecord lambda = r.toStreamRecord();
        assertThat(lambda.getEventName()).isEqualTo("INSERT");
        assertThat(lambda.getEventSource()).isEqualTo("aws:dynamodb");
        assertThat(lambda.getEventSourceARN()).isEqualTo(r.eventSourceArn());
        assertThat(lambda.getAwsRegion()).isEqualTo("us-west-2");
        assertThat(lambda.getDynamodb().getKeys().get("Id").getN()).isEqualTo("101");
        assertThat(lambda.getDynamodb().getNewImage().get("Message").getS()).isEqualTo("New item!");
        assertThat(lambda.getDynamodb().getOldImage()).isNull();
        assertThat(lambda.getDynamodb().getStreamViewType()).isEqualTo("NEW_AND_OLD_IMAGES");
        assertThat(lambda.getDynamodb().getSizeBytes()).isEqualTo(26L);
        assertThat(lambda.getDynamodb().getSequenceNumber()).isEqualTo("111");
        assertThat(lambda.getDynamodb().getApproximateCreationDateTime().toInstant()).isEqualTo(Instant.parse("2024-01-01T00:00:00Z"));
    }

    @Test
    void pipesDynamoDbModifyWithEveryAttributeType() {
        PipesDynamoDbRecord r = decode("pipes-dynamodb-modify.json", PipesDynamoDbRecord.class);
        assertThat(r.isModify()).isTrue();
        assertThat(r.createdAt()).isNull();
        assertThat(r.oldImage()).hasValue(Map.of("Message", "New item!", "Id", new BigDecimal("101")));
        Map<String, Object> image = r.newImage().orElseThrow();
        assertThat(image.get("Message")).isEqualTo("This item has changed");
        assertThat(image.get("Price")).isEqualTo(new BigDecimal("12.50"));
        assertThat(image.get("Tags")).isEqualTo(java.util.Set.of("a", "b"));
        assertThat(image.get("Scores")).isEqualTo(java.util.Set.of(new BigDecimal("1"), new BigDecimal("2.5")));
        assertThat((byte[]) image.get("Blob")).containsExactly(1, 2, 3);
        assertThat(image.get("Active")).isEqualTo(true);
        assertThat(image).containsEntry("Nothing", null);
        assertThat(image.get("Address")).isEqualTo(Map.of("City", "Lyon", "Zip", new BigDecimal("69001")));
        assertThat(image.get("History")).isEqualTo(List.of("created", new BigDecimal("3")));
        @SuppressWarnings("unchecked")
        List<byte[]> blobs = (List<byte[]>) image.get("Blobs");
        assertThat(blobs).hasSize(2);
        assertThat(blobs.get(1)).containsExactly(2);

        Map<String, AttributeValue> lambda = r.toStreamRecord().getDynamodb().getNewImage();
        assertThat(lambda.get("Price").getN()).isEqualTo("12.50");
        assertThat(lambda.get("Tags").getSS()).containsExactly("a", "b");
        assertThat(lambda.get("Scores").getNS()).containsExactly("1", "2.5");
        assertThat(lambda.get("Blob").getB().array()).containsExactly(1, 2, 3);
        assertThat(lambda.get("Active").getBOOL()).isTrue();
        assertThat(lambda.get("Nothing").getNULL()).isTrue();
        assertThat(lambda.get("Address").getM().get("City").getS()).isEqualTo("Lyon");
        assertThat(lambda.get("History").getL()).extracting(AttributeValue::getS).containsExactly("created", null);
        assertThat(lambda.get("History").getL().get(1).getN()).isEqualTo("3");
        assertThat(lambda.get("Blobs").getBS()).hasSize(2);
        assertThat(r.toStreamRecord().getDynamodb().getOldImage().get("Message").getS()).isEqualTo("New item!");
    }

    @Test
    void pipesDynamoDbRemove() {
        PipesDynamoDbRecord r = decode("pipes-dynamodb-remove.json", PipesDynamoDbRecord.class);
        assertThat(r.isRemove()).isTrue();
        assertThat(r.isTtlDelete()).isFalse();
        assertThat(r.newImage()).isEmpty();
        assertThat(r.oldImage()).hasValue(Map.of("Message", "This item has changed", "Id", new BigDecimal("101")));
        assertThat(r.toStreamRecord().getUserIdentity()).isNull();
        assertThat(r.toStreamRecord().getEventVersion()).isEqualTo("1.1");
    }

    @Test
    void pipesDynamoDbTtlDeleteIsRecognisedByServiceIdentity() {
        PipesDynamoDbRecord r = decode("pipes-dynamodb-ttl-delete.json", PipesDynamoDbRecord.class);
        assertThat(r.isRemove()).isTrue();
        assertThat(r.isTtlDelete()).isTrue();
        assertThat(r.streamViewType()).isEqualTo("OLD_IMAGE");
        assertThat(r.keys()).containsEntry("Id", new BigDecimal("102"));
        assertThat(r.oldImage().orElseThrow()).containsEntry("ExpiresAt", new BigDecimal("1704070000"));
        DynamodbEvent.DynamodbStreamRecord lambda = r.toStreamRecord();
        assertThat(lambda.getUserIdentity().getType()).isEqualTo("Service");
        assertThat(lambda.getUserIdentity().getPrincipalId()).isEqualTo("dynamodb.amazonaws.com");
        assertThat(lambda.getDynamodb().getStreamViewType()).isEqualTo("OLD_IMAGE");
    }

    @Test
    void pipesSqsStandardQueue() {
        PipesSqsRecord r = decode("pipes-sqs-standard.json", PipesSqsRecord.class);
        assertThat(r.kind()).isEqualTo(EnvelopeKind.PIPES_SQS);
        assertThat(r.sourceMessageId()).isEqualTo("059f36b4-87a3-44ab-83d2-661975830a7d");
        assertThat(r.queueName()).isEqualTo("my-queue");
        assertThat(r.body().text()).isEqualTo("Test message.");
        assertThat(r.attributes()).containsEntry("SentTimestamp", "1545082649183").hasSize(4);
        assertThat(r.messageGroupId()).isNull();
        assertThat(r.messageAttributes()).isEmpty();
        assertThat(r.inner()).isInstanceOf(RawMessage.class);

        SQSEvent.SQSMessage lambda = r.toSqsMessage();
        assertThat(lambda.getMessageId()).isEqualTo("059f36b4-87a3-44ab-83d2-661975830a7d");
        assertThat(lambda.getBody()).isEqualTo("Test message.");
        assertThat(lambda.getReceiptHandle()).startsWith("AQEB");
        assertThat(lambda.getMd5OfBody()).isEqualTo("e4e68fb7bd0e697a0ae8f1bb342846b3");
        assertThat(lambda.getEventSource()).isEqualTo("aws:sqs");
        assertThat(lambda.getEventSourceArn()).isEqualTo("arn:aws:sqs:us-east-2:123456789012:my-queue");
        assertThat(lambda.getAwsRegion()).isEqualTo("us-east-2");
        assertThat(lambda.getAttributes()).containsEntry("SenderId", "AIDAIENQZJOLO23YVJ4VO");
    }

    @Test
    void pipesSqsFifoQueueWithAttributesAndJsonBody() {
        PipesSqsRecord r = decode("pipes-sqs-fifo.json", PipesSqsRecord.class);
        assertThat(r.queueName()).isEqualTo("orders.fifo");
        assertThat(r.messageGroupId()).isEqualTo("customer-7");
        assertThat(r.attributes()).containsEntry("MessageDeduplicationId", "order-42")
                .containsEntry("SequenceNumber", "18849496460467696128");
        assertThat(r.body().json().get("total").decimalValue()).isEqualByComparingTo("19.99");
        assertThat(r.messageAttributes().get("tenant").stringValue()).isEqualTo("acme");
        assertThat(r.messageAttributes().get("sig").isBinary()).isTrue();
        assertThat(r.messageAttributes().get("sig").binaryValue()).isEqualTo(ByteBuffer.wrap(new byte[] {0, 1, 2}));
        SQSEvent.SQSMessage lambda = r.toSqsMessage();
        assertThat(lambda.getMessageAttributes().get("tenant").getStringValue()).isEqualTo("acme");
        assertThat(lambda.getMessageAttributes().get("tenant").getDataType()).isEqualTo("String");
        assertThat(lambda.getMessageAttributes().get("sig").getBinaryValue()).isEqualTo(ByteBuffer.wrap(new byte[] {0, 1, 2}));
    }

    @Test
    void eventBridgeAwsServiceEvent() {
        EventBridgeEvent e = decode("eventbridge-ec2.json", EventBridgeEvent.class);
        assertThat(e.kind()).isEqualTo(EnvelopeKind.EVENTBRIDGE);
        assertThat(e.id()).isEqualTo("7bf73129-1428-4cd3-a780-95db273d1602");
        assertThat(e.source()).isEqualTo("aws.ec2");
        assertThat(e.detailType()).isEqualTo("EC2 Instance State-change Notification");
        assertThat(e.account()).isEqualTo("123456789012");
        assertThat(e.time()).isEqualTo(Instant.parse("2015-11-11T21:29:54Z"));
        assertThat(e.region()).isEqualTo("us-east-1");
        assertThat(e.resources()).containsExactly("arn:aws:ec2:us-east-1:123456789012:instance/i-abcd1111");
        assertThat(e.replayName()).isNull();
        assertThat(e.detail().json().get("state").asText()).isEqualTo("RUNNING");
        assertThat(e.isS3Event()).isFalse();
        assertThat(e.s3ObjectKey()).isNull();

        ScheduledEvent lambda = e.toScheduledEvent();
        assertThat(lambda.getVersion()).isEqualTo("0");
        assertThat(lambda.getDetailType()).isEqualTo("EC2 Instance State-change Notification");
        assertThat(lambda.getSource()).isEqualTo("aws.ec2");
        assertThat(lambda.getTime().getMillis()).isEqualTo(Instant.parse("2015-11-11T21:29:54Z").toEpochMilli());
        assertThat(lambda.getDetail()).containsEntry("instance-id", "i-0123456789").containsEntry("state", "RUNNING");
        assertThat(lambda.getResources()).containsExactly("arn:aws:ec2:us-east-1:123456789012:instance/i-abcd1111");
    }

    @Test
    void eventBridgeS3ObjectCreatedKeysAreNotEncoded() {
        EventBridgeEvent e = decode("eventbridge-s3-object-created.json", EventBridgeEvent.class);
        assertThat(e.isS3Event()).isTrue();
        assertThat(e.detailType()).isEqualTo("Object Created");
        assertThat(e.s3BucketName()).isEqualTo("amzn-s3-demo-bucket");
        assertThat(e.s3ObjectKey()).isEqualTo("photos/red flower.jpg");
    }

    @Test
    void eventBridgeCustomEventFromReplayBindsDetail() {
        EventBridgeEvent e = decode("eventbridge-custom-replay.json", EventBridgeEvent.class);
        assertThat(e.replayName()).isEqualTo("orders-replay-1");
        assertThat(e.resources()).isEmpty();
        assertThat(e.detailAs(OrderDetail.class))
                .isEqualTo(new OrderDetail("42", new BigDecimal("19.99"), List.of(new Item("A-1", 2))));
    }

    @Test
    void snsStandardTopicWithPlainMessage() {
        SnsNotification n = decode("sns-standard.json", SnsNotification.class);
        assertThat(n.kind()).isEqualTo(EnvelopeKind.SNS);
        assertThat(n.topicArn()).isEqualTo("arn:aws:sns:us-east-2:111122223333:ExampleTopic1");
        assertThat(n.topicName()).isEqualTo("ExampleTopic1");
        assertThat(n.snsMessageId()).isEqualTo("dc1e94d9-56c5-5e96-808d-cc7f68faa162");
        assertThat(n.subject()).isEqualTo("TestSubject");
        assertThat(n.timestamp()).isEqualTo(Instant.parse("2021-02-16T21:41:19.978Z"));
        assertThat(n.signatureVersion()).isEqualTo("1");
        assertThat(n.sequenceNumber()).isNull();
        assertThat(n.isFifo()).isFalse();
        assertThat(n.message().text()).isEqualTo("This is a test message.");
        assertThat(n.messageAttributes().get("event").stringValue()).isEqualTo("order_placed");
        assertThat(n.messageAttributes().get("blob").binaryValue()).isEqualTo(ByteBuffer.wrap(new byte[] {1, 2, 3}));
        assertThat(n.inner()).isInstanceOfSatisfying(RawMessage.class,
                raw -> assertThat(raw.body().text()).isEqualTo("This is a test message."));
        assertThat(n.inner()).isSameAs(n.inner()); // decoded once

        SNSEvent.SNS lambda = n.toSns();
        assertThat(lambda.getType()).isEqualTo("Notification");
        assertThat(lambda.getMessage()).isEqualTo("This is a test message.");
        assertThat(lambda.getTopicArn()).isEqualTo(n.topicArn());
        assertThat(lambda.getSignature()).startsWith("FMG5");
        assertThat(lambda.getSigningCertUrl()).endsWith(".pem");
        assertThat(lambda.getUnsubscribeUrl()).contains("Action=Unsubscribe");
        assertThat(lambda.getTimestamp().getMillis()).isEqualTo(Instant.parse("2021-02-16T21:41:19.978Z").toEpochMilli());
        assertThat(lambda.getMessageAttributes().get("event").getType()).isEqualTo("String");
        assertThat(lambda.getMessageAttributes().get("event").getValue()).isEqualTo("order_placed");
    }

    @Test
    void snsFifoTopicHasSequenceNumberAndNoSignature() {
        SnsNotification n = decode("sns-fifo.json", SnsNotification.class);
        assertThat(n.isFifo()).isTrue();
        assertThat(n.sequenceNumber()).isEqualTo("10000000000000003000");
        assertThat(n.signatureVersion()).isNull();
        assertThat(n.subject()).isNull();
        assertThat(n.topicName()).isEqualTo("orders.fifo");
        assertThat(n.toSns().getSignature()).isNull();
        assertThat(n.inner()).isInstanceOfSatisfying(RawMessage.class,
                raw -> assertThat(raw.body().json().get("orderId").asText()).isEqualTo("42"));
    }

    @Test
    void snsWrappedEventBridgeEventArrivesTyped() {
        SnsNotification n = decode("sns-eventbridge.json", SnsNotification.class);
        assertThat(n.inner()).isInstanceOfSatisfying(EventBridgeEvent.class, e -> {
            assertThat(e.source()).isEqualTo("aws.s3");
            assertThat(e.detailType()).isEqualTo("Object Created");
            assertThat(e.s3ObjectKey()).isEqualTo("photos/red flower.jpg");
            assertThat(e.messageId()).isEqualTo("msg-sns-eventbridge.json");
        });
    }

    @Test
    void snsWrappedS3NotificationArrivesTyped() {
        SnsNotification n = decode("sns-s3.json", SnsNotification.class);
        assertThat(n.subject()).isEqualTo("Amazon S3 Notification");
        assertThat(n.inner()).isInstanceOfSatisfying(S3Notification.class,
                s3 -> assertThat(s3.keys()).containsExactly("photos/red flower.jpg"));
    }

    @Test
    void snsWrappedS3TestEvent() {
        SnsNotification n = decode("sns-s3-test-event.json", SnsNotification.class);
        assertThat(n.inner()).isInstanceOfSatisfying(S3TestEvent.class,
                t -> assertThat(t.bucket()).isEqualTo("amzn-s3-demo-bucket"));
    }

    @Test
    void s3PutNotification() {
        S3Notification s3 = decode("s3-put.json", S3Notification.class);
        assertThat(s3.kind()).isEqualTo(EnvelopeKind.S3);
        assertThat(s3.records()).hasSize(1);
        S3Notification.ObjectEvent event = s3.records().get(0);
        assertThat(event.eventName()).isEqualTo("ObjectCreated:Put");
        assertThat(event.eventVersion()).isEqualTo("2.6");
        assertThat(event.eventTime()).isEqualTo(Instant.EPOCH);
        assertThat(event.awsRegion()).isEqualTo("us-west-2");
        assertThat(event.bucketName()).isEqualTo("amzn-s3-demo-bucket");
        assertThat(event.bucketArn()).isEqualTo("arn:aws:s3:::amzn-s3-demo-bucket");
        assertThat(event.key()).isEqualTo("photos/red flower.jpg");
        assertThat(event.rawKey()).isEqualTo("photos/red+flower.jpg");
        assertThat(event.size()).isEqualTo(1024L);
        assertThat(event.eTag()).isEqualTo("d41d8cd98f00b204e9800998ecf8427e");
        assertThat(event.versionId()).isEqualTo("096fKKXTRTtl3on89fVO.nfljtsv6qko");
        assertThat(event.sequencer()).isEqualTo("0055AED6DCD90281E5");

        S3EventNotification.S3EventNotificationRecord lambda = s3.toS3EventNotification().getRecords().get(0);
        assertThat(lambda.getEventName()).isEqualTo("ObjectCreated:Put");
        assertThat(lambda.getEventSource()).isEqualTo("aws:s3");
        assertThat(lambda.getEventTime().getMillis()).isZero();
        assertThat(lambda.getS3().getBucket().getName()).isEqualTo("amzn-s3-demo-bucket");
        assertThat(lambda.getS3().getBucket().getOwnerIdentity().getPrincipalId()).isEqualTo("A3NL1KOZZKExample");
        assertThat(lambda.getS3().getObject().getKey()).isEqualTo("photos/red+flower.jpg");
        assertThat(lambda.getS3().getObject().getUrlDecodedKey()).isEqualTo("photos/red flower.jpg");
        assertThat(lambda.getS3().getObject().getSizeAsLong()).isEqualTo(1024L);
        assertThat(lambda.getS3().getConfigurationId()).isEqualTo("testConfigRule");
        assertThat(lambda.getRequestParameters().getSourceIPAddress()).isEqualTo("127.0.0.1");
        assertThat(lambda.getResponseElements().getxAmzRequestId()).isEqualTo("C3D13FE58DE4C810");
        assertThat(lambda.getUserIdentity().getPrincipalId()).isEqualTo("AIDAJDPLRKLG7UEXAMPLE");
    }

    @Test
    void s3PlusAndPercentEncodedKeysAreDecoded() {
        S3Notification s3 = decode("s3-encoded-keys.json", S3Notification.class);
        assertThat(s3.keys()).containsExactly("reports/2026 Q3/a+b été.csv", "tmp/old file.txt");
        assertThat(s3.records().get(0).eventVersion()).isEqualTo("2.1");
        S3Notification.ObjectEvent delete = s3.records().get(1);
        assertThat(delete.eventName()).isEqualTo("ObjectRemoved:Delete");
        assertThat(delete.size()).isNull();
        assertThat(delete.eTag()).isNull();
        assertThat(s3.toS3EventNotification().getRecords()).hasSize(2);
    }

    @Test
    void s3TestEvent() {
        S3TestEvent t = decode("s3-test-event.json", S3TestEvent.class);
        assertThat(t.kind()).isEqualTo(EnvelopeKind.S3_TEST);
        assertThat(t.bucket()).isEqualTo("amzn-s3-demo-bucket");
        assertThat(t.requestId()).isEqualTo("5582815E1AEA5ADF");
        assertThat(t.time()).isEqualTo("2014-10-13T15:57:02.089Z");
    }

    @Test
    void kitKinesisTemplateWithEmbeddedJson() {
        KitEnvelope k = decode("kit-kinesis.json", KitEnvelope.class);
        assertThat(k.kind()).isEqualTo(EnvelopeKind.KIT);
        assertThat(k.pipe()).isEqualTo("orders-to-worker");
        assertThat(k.source()).isEqualTo("arn:aws:kinesis:eu-west-1:123456789012:stream/orders");
        assertThat(k.eventId()).startsWith("shardId-000000000000:");
        assertThat(k.partitionKey()).isEqualTo("order-42");
        assertThat(k.sequenceNumber()).isEqualTo("49590338271490256608559692538361571095921575989136588898");
        assertThat(k.ingestedAt()).isEqualTo(Instant.parse("2026-08-07T10:00:00.123Z"));
        assertThat(k.data().as(Order.class)).isEqualTo(new Order("order.created", "42"));
        assertThat(k.data().text()).isEqualTo("{\"type\":\"order.created\",\"id\":\"42\"}");
    }

    @Test
    void kitRawBase64Template() {
        KitEnvelope k = decode("kit-kinesis-raw.json", KitEnvelope.class);
        assertThat(k.pipe()).isEqualTo("sensors-to-worker");
        assertThat(k.data().bytes()).containsExactly(0x00, 0xff, 0x10);
    }

    @Test
    void kitDynamoDbTemplateImagesAsPlainMaps() {
        KitEnvelope k = decode("kit-dynamodb.json", KitEnvelope.class);
        assertThat(k.eventName()).isEqualTo("MODIFY");
        assertThat(k.keys()).hasValue(Map.of("Id", new BigDecimal("101")));
        assertThat(k.newImage().orElseThrow()).containsEntry("Message", "This item has changed");
        assertThat(k.oldImage().orElseThrow()).containsEntry("Message", "New item!");
        assertThat(k.data().text()).isEmpty();
    }

    @Test
    void rawPlainText() {
        RawMessage r = decode("raw-text.txt", RawMessage.class);
        assertThat(r.kind()).isEqualTo(EnvelopeKind.RAW);
        assertThat(r.body().text()).isEqualTo("order 42 shipped");
        assertThat(r.body().isJson()).isFalse();
    }

    @Test
    void rawProducerJson() {
        RawMessage r = decode("raw-json.json", RawMessage.class);
        assertThat(r.body().isJson()).isTrue();
        assertThat(r.body().as(Order.class)).isEqualTo(new Order("order.created", "42"));
    }

    @Test
    void toStringNamesTheMessageButNeverPrintsTheBody() {
        for (String name : Fixtures.ALL) {
            Envelope envelope = decoder.decode(fixture(name));
            assertThat(envelope.toString()).contains("msg-" + name)
                    .doesNotContain("Hello, this", "order 42 shipped", "This is a test message", "New item!", "i-0123456789", "A-1");
        }
    }
}
