package io.pipekit.it;

import static org.assertj.core.api.Assertions.assertThat;

import io.pipekit.cli.Pipekit;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import org.junit.jupiter.api.Test;

/** README command one, in its short form and through the launcher (`pipekit demo`): the whole demo must end with nothing lost. */
class DemoTest {

    @Test
    void theDemoProcessesEveryProducedEventOnEveryPath() {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        PrintStream original = System.out;
        int exit;
        System.setOut(new PrintStream(out, true));
        try {
            exit = Pipekit.execute("demo", "--duration", "4s", "--rate", "10", "--timeout", "60s");
        } finally {
            System.setOut(original);
        }
        String report = out.toString();
        System.out.println(report);

        assertThat(exit).as(report).isZero();
        assertThat(report)
                .contains("RESULT: OK")
                .contains("FIFO order per partition key: kept")
                .contains("poison messages in the DLQ: 2 of 2")
                .containsPattern("\\| Kinesis clickstream \\(filtered by the pipe\\) \\| \\d+ \\| 0 \\|");
        for (String path : new String[] {"Kinesis → pipe → SQS (template)", "Kinesis → pipe → SQS FIFO",
                "DynamoDB stream → pipe → SQS", "EventBridge rule → SQS", "SNS envelope → SQS"}) {
            assertThat(report).containsPattern("\\| " + java.util.regex.Pattern.quote(path) + " \\| (\\d+) \\| \\1 \\| 0 \\|");
        }
    }
}
