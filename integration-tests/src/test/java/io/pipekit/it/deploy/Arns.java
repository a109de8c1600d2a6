package io.pipekit.it.deploy;

/**
 * The ARN CloudFormation's {@code Fn::GetAtt X.Arn} gives for the resource types pipekit renders,
 * built from the physical id ({@code Ref}) the way AWS formats each type's ARN.
 */
final class Arns {

    private Arns() {}

    static String of(String type, String physicalId, String region, String account) {
        if (physicalId.startsWith("arn:")) {
            return physicalId;
        }
        return switch (type) {
            // Ref of a queue is its URL; the name is the last path segment
            case "AWS::SQS::Queue" -> "arn:aws:sqs:" + region + ":" + account + ":" + physicalId.substring(physicalId.lastIndexOf('/') + 1);
            case "AWS::IAM::Role" -> "arn:aws:iam::" + account + ":role/" + physicalId;
            case "AWS::ECS::Cluster" -> "arn:aws:ecs:" + region + ":" + account + ":cluster/" + physicalId;
            case "AWS::KMS::Key" -> "arn:aws:kms:" + region + ":" + account + ":key/" + physicalId;
            case "AWS::Events::Rule" -> "arn:aws:events:" + region + ":" + account + ":rule/" + physicalId.replaceFirst("^.*\\|", "");
            case "AWS::Logs::LogGroup" -> "arn:aws:logs:" + region + ":" + account + ":log-group:" + physicalId + ":*";
            case "AWS::Pipes::Pipe" -> "arn:aws:pipes:" + region + ":" + account + ":pipe/" + physicalId;
            case "AWS::Kinesis::Stream" -> "arn:aws:kinesis:" + region + ":" + account + ":stream/" + physicalId;
            case "AWS::DynamoDB::Table" -> "arn:aws:dynamodb:" + region + ":" + account + ":table/" + physicalId;
            default -> throw new IllegalStateException("no ARN format for " + type + " (physical id " + physicalId + ")");
        };
    }
}
