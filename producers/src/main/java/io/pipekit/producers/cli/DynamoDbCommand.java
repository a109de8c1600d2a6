package io.pipekit.producers.cli;

import io.pipekit.producers.Targets;
import io.pipekit.producers.TrafficPlan;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import software.amazon.awssdk.services.dynamodb.DynamoDbClient;

@Command(name = "dynamodb", mixinStandardHelpOptions = true, sortOptions = false,
        description = "Write to a DynamoDB table with BatchWriteItem (<=25 puts per call, UnprocessedItems retried).")
final class DynamoDbCommand extends TargetCommand {

    enum ItemKey { event, subject }

    @Option(names = "--table", required = true, description = "Table name.")
    String table;

    @Option(names = "--hash-key", defaultValue = "pk", description = "Name of the table's (string) hash key attribute (default: ${DEFAULT-VALUE}).")
    String hashKey;

    @Option(names = "--item-key", defaultValue = "event", description = "What an item is. event: one new item per event (table ends with --count items, streams see INSERTs); "
            + "subject: one item per order/session/device updated in place (streams see MODIFYs with old and new images). Default: ${DEFAULT-VALUE}.")
    ItemKey itemKey;

    @Override
    OpenTarget open(TrafficPlan plan) {
        DynamoDbClient client = aws.build(DynamoDbClient.builder(), "DYNAMODB", plan.concurrency());
        return new OpenTarget(itemKey == ItemKey.subject
                ? Targets.dynamoDbBySubject(client, table, hashKey)
                : Targets.dynamoDb(client, table, hashKey), client);
    }
}
