package io.pipekit.worker.sqsd;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.pipekit.worker.config.ConfigException;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class SqsdConfigTest {

    @Test
    void defaultsFollowElasticBeanstalk() {
        SqsdConfig config = SqsdConfig.fromEnvironment(Map.of());
        assertThat(config.url()).isEqualTo(URI.create("http://localhost:8080/"));
        assertThat(config.contentType()).isEqualTo("application/json");
        assertThat(config.bodyMode()).isEqualTo(BodyMode.RAW);
        assertThat(config.connectTimeout()).isEqualTo(Duration.ofSeconds(5));
        assertThat(config.inactivityTimeout()).isEqualTo(Duration.ofSeconds(180));
        assertThat(config.maxConnections()).isEqualTo(50);
        assertThat(config.successOnAny2xx()).isFalse();
        assertThat(config.healthUrl()).isEmpty();
        assertThat(config.allowRemote()).isFalse();
    }

    @Test
    void everyVariableIsRead() {
        SqsdConfig config = SqsdConfig.fromEnvironment(Map.ofEntries(
                Map.entry("PIPEKIT_SQSD_URL", "http://127.0.0.1:9000/work"),
                Map.entry("PIPEKIT_SQSD_CONTENT_TYPE", "text/plain"),
                Map.entry("PIPEKIT_SQSD_BODY", "decoded"),
                Map.entry("PIPEKIT_SQSD_CONNECT_TIMEOUT", "2s"),
                Map.entry("PIPEKIT_SQSD_INACTIVITY_TIMEOUT", "10m"),
                Map.entry("PIPEKIT_SQSD_HTTP_CONNECTIONS", "8"),
                Map.entry("PIPEKIT_SQSD_SUCCESS", "2xx"),
                Map.entry("PIPEKIT_SQSD_HEALTH_URL", "/healthz"),
                Map.entry("PIPEKIT_SQSD_HEALTH_TIMEOUT", "0"),
                Map.entry("PIPEKIT_SQSD_CRON_QUEUE_URL", "http://localhost:9324/000000000000/cron.fifo")));
        assertThat(config.url()).isEqualTo(URI.create("http://127.0.0.1:9000/work"));
        assertThat(config.contentType()).isEqualTo("text/plain");
        assertThat(config.bodyMode()).isEqualTo(BodyMode.DECODED);
        assertThat(config.connectTimeout()).isEqualTo(Duration.ofSeconds(2));
        assertThat(config.inactivityTimeout()).isEqualTo(Duration.ofMinutes(10));
        assertThat(config.maxConnections()).isEqualTo(8);
        assertThat(config.successOnAny2xx()).isTrue();
        assertThat(config.healthUrl()).contains(URI.create("http://127.0.0.1:9000/healthz"));
        assertThat(config.healthTimeout()).isZero();
        assertThat(config.cronQueueUrl()).contains("http://localhost:9324/000000000000/cron.fifo");
    }

    @Test
    void onlyLoopbackTargetsUnlessAllowed() {
        assertThatThrownBy(() -> SqsdConfig.fromEnvironment(Map.of("PIPEKIT_SQSD_URL", "http://10.0.0.7:8080/")))
                .isInstanceOf(ConfigException.class).hasMessageStartingWith("PIPEKIT_SQSD_URL: 'http://10.0.0.7:8080/' is not a loopback address")
                .hasMessageContaining("PIPEKIT_SQSD_ALLOW_REMOTE=true");
        assertThatThrownBy(() -> SqsdConfig.fromEnvironment(Map.of("PIPEKIT_SQSD_HEALTH_URL", "http://10.0.0.7/health")))
                .isInstanceOf(ConfigException.class).extracting(e -> ((ConfigException) e).variable()).isEqualTo("PIPEKIT_SQSD_HEALTH_URL");
        SqsdConfig remote = SqsdConfig.fromEnvironment(Map.of("PIPEKIT_SQSD_URL", "http://10.0.0.7:8080/", "PIPEKIT_SQSD_ALLOW_REMOTE", "true"));
        assertThat(remote.url().getHost()).isEqualTo("10.0.0.7");
        assertThat(SqsdConfig.fromEnvironment(Map.of("PIPEKIT_SQSD_URL", "http://[::1]:8080/")).url().getPort()).isEqualTo(8080);
    }

    @Test
    void badValuesNameTheVariable() {
        Map<String, String> bad = Map.of(
                "PIPEKIT_SQSD_URL", "localhost:8080",
                "PIPEKIT_SQSD_BODY", "json",
                "PIPEKIT_SQSD_CONNECT_TIMEOUT", "2 minutes",
                "PIPEKIT_SQSD_INACTIVITY_TIMEOUT", "20h",
                "PIPEKIT_SQSD_HTTP_CONNECTIONS", "0",
                "PIPEKIT_SQSD_SUCCESS", "any",
                "PIPEKIT_SQSD_ALLOW_REMOTE", "maybe",
                "PIPEKIT_SQSD_CONTENT_TYPE", "text/plain\r\nX-Evil: 1");
        bad.forEach((variable, value) -> assertThatThrownBy(() -> SqsdConfig.fromEnvironment(Map.of(variable, value)))
                .as(variable).isInstanceOf(ConfigException.class).extracting(e -> ((ConfigException) e).variable()).isEqualTo(variable));
    }

    @Test
    void theModeIsChosenExplicitlyAndExcludesAHandlerClass() {
        assertThat(SqsdConfig.selected(Map.of())).isFalse();
        assertThat(SqsdConfig.selected(Map.of("PIPEKIT_MODE", "sqsd"))).isTrue();
        assertThat(SqsdConfig.selected(Map.of("PIPEKIT_MODE", "SQSD"))).isTrue();
        assertThatThrownBy(() -> SqsdConfig.selected(Map.of("PIPEKIT_MODE", "http"))).isInstanceOf(ConfigException.class)
                .hasMessageStartingWith("PIPEKIT_MODE: 'http' is not a mode");
        assertThatThrownBy(() -> SqsdConfig.fromEnvironment(Map.of("PIPEKIT_MODE", "sqsd", "PIPEKIT_HANDLER", "com.acme.Handler")))
                .isInstanceOf(ConfigException.class).hasMessageStartingWith("PIPEKIT_HANDLER: is set together with PIPEKIT_MODE=sqsd");
    }

    @Test
    void aBeanstalkCronFileIsRead(@TempDir Path dir) throws Exception {
        Path file = dir.resolve("cron.yaml");
        Files.writeString(file, """
                version: 1
                cron:
                 - name: "backup-job"          # required: unique across all entries
                   url: "/backup"              # required: does not need to be unique
                   schedule: "0 */12 * * *"    # required: does not need to be unique
                 - name: "audit"
                   url: "/audit"
                   schedule: "0 23 * * *"
                """);
        List<CronTask> tasks = CronFile.read(file);
        assertThat(tasks).extracting(CronTask::name, CronTask::url, t -> t.schedule().toString())
                .containsExactly(org.assertj.core.groups.Tuple.tuple("backup-job", "/backup", "0 */12 * * *"),
                        org.assertj.core.groups.Tuple.tuple("audit", "/audit", "0 23 * * *"));
    }

    @Test
    void cronFileProblemsNameTheEntry() {
        assertThatThrownBy(() -> CronFile.parse("version: 2\ncron: []\n")).hasMessageContaining("version must be 1");
        assertThatThrownBy(() -> CronFile.parse("version: 1\ncron:\n - name: a\n   url: /a\n")).hasMessageContaining("cron[0]: 'schedule' is missing");
        assertThatThrownBy(() -> CronFile.parse("version: 1\ncron:\n - {name: a, url: /a, schedule: '* * * * *'}\n - {name: a, url: /b, schedule: '* * * * *'}\n"))
                .hasMessageContaining("cron[1]: task name 'a' is used twice");
        assertThatThrownBy(() -> CronFile.parse("version: 1\ncron:\n - {name: a, url: /a, schedule: '61 * * * *'}\n"))
                .isInstanceOf(ConfigException.class).hasMessageContaining("cron[0] (a): minute field '61'");
        assertThatThrownBy(() -> CronFile.read(Path.of("/nonexistent/cron.yaml"))).isInstanceOf(ConfigException.class)
                .hasMessageStartingWith("PIPEKIT_SQSD_CRON_FILE: cannot read");
    }

    @Test
    void retryAfterIsSecondsOrAnHttpDate() {
        Instant now = Instant.parse("2026-11-23T12:00:00Z");
        assertThat(ResponseOutcome.of(429, Optional.of("120"), false, now)).isEqualTo(new ResponseOutcome.RetryAfter(Duration.ofSeconds(120)));
        assertThat(ResponseOutcome.of(429, Optional.of("Mon, 23 Nov 2026 12:05:00 GMT"), false, now))
                .isEqualTo(new ResponseOutcome.RetryAfter(Duration.ofMinutes(5)));
        assertThat(ResponseOutcome.of(429, Optional.empty(), false, now)).isInstanceOf(ResponseOutcome.Fail.class);
        assertThat(ResponseOutcome.of(429, Optional.of("soon"), false, now)).isInstanceOf(ResponseOutcome.Fail.class);
        assertThat(ResponseOutcome.of(200, Optional.empty(), false, now)).isInstanceOf(ResponseOutcome.Delete.class);
        assertThat(ResponseOutcome.of(204, Optional.empty(), false, now)).isInstanceOf(ResponseOutcome.Fail.class);
        assertThat(ResponseOutcome.of(204, Optional.empty(), true, now)).isInstanceOf(ResponseOutcome.Delete.class);
        assertThat(ResponseOutcome.of(503, Optional.of("30"), true, now)).isEqualTo(new ResponseOutcome.Fail("HTTP 503"));
    }
}
