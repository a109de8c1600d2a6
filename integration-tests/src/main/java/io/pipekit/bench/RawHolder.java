package io.pipekit.bench;

import java.net.URI;
import java.util.ArrayList;
import java.util.List;
import software.amazon.awssdk.auth.credentials.AwsBasicCredentials;
import software.amazon.awssdk.auth.credentials.StaticCredentialsProvider;
import software.amazon.awssdk.regions.Region;
import software.amazon.awssdk.services.sqs.SqsClient;
import software.amazon.awssdk.services.sqs.model.Message;

/**
 * The memory baseline: the least a JVM needs to hold N messages — one SDK client receiving them
 * and keeping them in a list. Args: endpoint, queue URL, N.
 */
public final class RawHolder {

    public static void main(String[] args) throws InterruptedException {
        int n = Integer.parseInt(args[2]);
        try (SqsClient sqs = SqsClient.builder().endpointOverride(URI.create(args[0])).region(Region.US_EAST_1)
                .credentialsProvider(StaticCredentialsProvider.create(AwsBasicCredentials.create("local", "local"))).build()) {
            List<Message> held = new ArrayList<>();
            while (held.size() < n) {
                held.addAll(sqs.receiveMessage(b -> b.queueUrl(args[1]).maxNumberOfMessages(Math.min(10, n - held.size()))
                        .waitTimeSeconds(1).visibilityTimeout(600)).messages());
            }
            System.out.println("holding " + held.size());
            Thread.sleep(Long.MAX_VALUE);
        }
    }
}
