package io.pipekit.testkit;

import io.pipekit.local.LocalAwsClients;
import io.pipekit.local.LocalCloud;
import io.pipekit.pipes.provision.AwsClients;
import io.pipekit.pipes.provision.ProvisionOptions;
import io.pipekit.pipes.provision.Provisioner;
import io.pipekit.pipes.runtime.PipesRuntime;
import java.time.Duration;

/** One embedded stack per JVM and setting, closed by JUnit when the whole run ends. */
final class SharedStack implements AutoCloseable {

    final LocalCloud cloud;
    final Provisioner provisioner;
    private final AwsClients provisioning;

    private SharedStack(LocalCloud cloud) {
        this.cloud = cloud;
        this.provisioning = LocalAwsClients.of(cloud);
        // local pipes are ready in milliseconds: poll their state often
        this.provisioner = new Provisioner(provisioning, new ProvisionOptions(Duration.ofMinutes(1), Duration.ofMillis(20)));
    }

    static SharedStack start(boolean kinesis) {
        LocalCloud.Builder builder = LocalCloud.builder().withSqs().withDynamoDb().withEventBridge()
                // short idle polls and backoffs, so a test does not wait out production-like pauses
                .withPipes(PipesRuntime.Options.defaults().withIdlePollInterval(Duration.ofMillis(50))
                        .withBackoff(Duration.ofMillis(50), Duration.ofMillis(500)));
        if (kinesis) {
            builder.withKinesis();
        }
        return new SharedStack(builder.start());
    }

    @Override
    public void close() {
        // the provisioning set shares the cloud's own clients; the cloud closes them
        cloud.close();
    }
}
