package io.pipekit.demo;

import io.pipekit.demo.Deliveries.Path;
import io.pipekit.producers.DeliveryAudit;
import io.pipekit.producers.RunSummary;
import io.pipekit.worker.ShutdownReport;
import io.pipekit.worker.protection.fake.FakeEcsAgent;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/** The demo's verdict: per path produced vs processed, duplicates, latency — and the exit code. */
record DemoReport(Map<Path, RunSummary> produced, Deliveries deliveries, int dead, int poison, long retries,
                  ShutdownReport stop, FakeEcsAgent agent, double seconds) {

    int print() {
        List<String> problems = new ArrayList<>();
        Demo.say("");
        Demo.say("report after %.1f s", seconds);
        Demo.say("| path | produced | processed | missing | duplicates | latency p50 | p99 |");
        Demo.say("|---|---:|---:|---:|---:|---:|---:|");
        for (Path path : Path.values()) {
            RunSummary summary = produced.get(path == Path.KINESIS_FIFO ? Path.KINESIS : path);
            long sent = summary == null ? 0 : summary.sent();
            DeliveryAudit.Report report = deliveries.audit(path).report(path == Path.FILTERED ? 0 : sent);
            if (path == Path.FILTERED) {
                Demo.say("| %s | %,d | %,d | – | – | – | – |", path.label, sent, report.received());
                if (report.received() > 0) {
                    problems.add(report.received() + " filtered event(s) reached the worker");
                }
                continue;
            }
            Demo.say("| %s | %,d | %,d | %,d | %,d | %s | %s |", path.label, sent, report.unique(), report.missing(),
                    report.duplicates(), millis(report.latencyP50()), millis(report.latencyP99()));
            if (report.missing() > 0) {
                problems.add(path.label + ": " + report.missing() + " lost, e.g. seq " + report.missingSeqs());
            }
            if (summary != null && summary.failed() > 0) {
                problems.add(path.label + ": the producer could not deliver " + summary.failed() + " event(s)");
            }
        }
        Demo.say("");
        Demo.say("FIFO order per partition key: %s", deliveries.outOfOrder() == 0 ? "kept" : deliveries.outOfOrder() + " out of order");
        Demo.say("poison messages in the DLQ: %d of %d (after %,d retried attempts overall)", dead, poison, retries);
        Demo.say("task protection: %d calls to the (fake) ECS agent, %s at exit", agent.puts(),
                agent.protectedNow() ? "still protected" : "released");
        Demo.say("worker shutdown: %d ms, %d released", stop.took().toMillis(), stop.released());
        if (deliveries.outOfOrder() > 0) {
            problems.add(deliveries.outOfOrder() + " FIFO event(s) out of order");
        }
        if (dead < poison) {
            problems.add((poison - dead) + " poison message(s) not in the DLQ");
        }
        if (problems.isEmpty()) {
            Demo.say("RESULT: OK — every produced event processed, nothing lost");
            return 0;
        }
        Demo.say("RESULT: FAILED — %s", String.join("; ", problems));
        return 1;
    }

    private static String millis(Duration d) {
        return d == null ? "–" : d.toMillis() + " ms";
    }
}
