package io.pipekit.pipes.render;

import com.fasterxml.jackson.databind.JsonNode;
import io.pipekit.pipes.model.Ref;
import io.pipekit.pipes.spec.SourceRef;
import io.pipekit.pipes.spec.Subscription;
import io.pipekit.pipes.spec.SubscriptionSpec;
import java.util.function.Function;

/**
 * How one output flavour (Copilot addon, Copilot patch, standalone stack) writes the model's
 * {@link Ref}s as CloudFormation intrinsics, and how it names things.
 *
 * @param namePrefix {@code Fn::Sub} prefix of physical names, e.g. {@code ${App}-${Env}-${Name}-}
 * @param own the refs this flavour resolves itself (queue, key, task role, cluster); null for the rest
 */
record Wiring(SubscriptionSpec spec, String namePrefix, Function<Ref, JsonNode> own) {

    JsonNode name(String suffix) {
        return Cfn.sub(namePrefix + suffix);
    }

    /** A model reference as an intrinsic of this flavour. */
    JsonNode ref(Ref ref) {
        JsonNode mine = own.apply(ref);
        if (mine != null) {
            return mine;
        }
        return switch (ref) {
            case Ref.DeadLetterQueueArn d -> Cfn.getAtt(logicalId(d.subscription()) + "DLQ", "Arn");
            case Ref.SourceArn s -> sourceArn(spec.pipes().stream().filter(p -> p.name().equals(s.subscription())).findFirst().orElseThrow().source());
            case Ref.RuleArn r -> Cfn.sub("arn:${AWS::Partition}:events:${AWS::Region}:${AWS::AccountId}:rule/"
                    + (r.bus() == null ? "" : r.bus() + "/") + namePrefix + r.rule());
            case Ref.Account a -> Cfn.ref("AWS::AccountId");
            case Ref.AccountRoot a -> Cfn.sub("arn:${AWS::Partition}:iam::${AWS::AccountId}:root");
            case Ref.ThisKey k -> Cfn.text("*");
            case Ref.Literal l -> Cfn.text(l.value());
            default -> throw new IllegalStateException(ref + " has no meaning in this template");
        };
    }

    String logicalId(String subscription) {
        return spec.subscriptions().stream().filter(s -> s.name().equals(subscription)).findFirst().map(Subscription::logicalId).orElseThrow();
    }

    static JsonNode sourceArn(SourceRef s) {
        if (s.arn() != null) {
            return Cfn.text(s.arn());
        }
        if (s.cfnImport() != null) {
            return Cfn.importValue(s.cfnImport());
        }
        return switch (s.type()) {
            case KINESIS -> Cfn.sub("arn:${AWS::Partition}:kinesis:${AWS::Region}:${AWS::AccountId}:stream/" + s.name());
            case SQS -> Cfn.sub("arn:${AWS::Partition}:sqs:${AWS::Region}:${AWS::AccountId}:" + s.name());
            // a table stream's ARN ends in a creation label that only the table's own stack knows
            case DYNAMODB -> throw new IllegalArgumentException("dynamodb source '" + s.name()
                    + "': rendering needs streamArn or streamArnImport (the stream ARN carries a label unknown before deploy)");
        };
    }
}
