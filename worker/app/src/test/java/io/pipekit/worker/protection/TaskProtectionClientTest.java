package io.pipekit.worker.protection;

import static org.assertj.core.api.Assertions.assertThat;

import io.pipekit.worker.protection.fake.FakeEcsAgent;
import io.pipekit.worker.protection.fake.FakeEcsAgent.Fault;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/** Every response shape of docs/aws-behaviour.md §5.1, as served by the fake agent, parses to the right type. */
class TaskProtectionClientTest {

    private final FakeEcsAgent agent = FakeEcsAgent.start();
    private final TaskProtectionClient client = new TaskProtectionClient(agent.agentUri(), Duration.ofMillis(500));

    @AfterEach
    void stop() {
        agent.close();
    }

    @Test
    void successCarriesTheStateAndExpiry() {
        AgentResponse enabled = client.put(true, 15);
        assertThat(enabled).isInstanceOfSatisfying(AgentResponse.Protection.class, p -> {
            assertThat(p.enabled()).isTrue();
            assertThat(p.expiresAt()).isPresent();
            assertThat(p.taskArn()).startsWith("arn:aws:ecs:");
        });
        assertThat(agent.protectedNow()).isTrue();
        assertThat(client.get()).isInstanceOfSatisfying(AgentResponse.Protection.class, p -> assertThat(p.enabled()).isTrue());

        AgentResponse released = client.put(false, 0);
        assertThat(released).isInstanceOfSatisfying(AgentResponse.Protection.class, p -> {
            assertThat(p.enabled()).isFalse();
            assertThat(p.expiresAt()).isEmpty(); // ExpirationDate null when unprotected
        });
        assertThat(agent.protectedNow()).isFalse();
    }

    @Test
    void http200WithFailureIsAFailureNotASuccess() {
        agent.inject(Fault.TASK_NOT_VALID, Fault.DEPLOYMENT_BLOCKED);

        AgentResponse notValid = client.put(true, 15);
        AgentResponse blocked = client.put(true, 15);

        assertThat(notValid).isEqualTo(new AgentResponse.Failure("TASK_NOT_VALID", null));
        assertThat(notValid.permanent()).isTrue();
        assertThat(blocked).isEqualTo(new AgentResponse.Failure("DEPLOYMENT_BLOCKED", null));
        assertThat(blocked.permanent()).isFalse();
        assertThat(agent.protectedNow()).isFalse();
    }

    @Test
    void errorBodiesKeepStatusAndCode() {
        agent.inject(Fault.THROTTLED, Fault.NO_CREDENTIALS, Fault.TIMEOUT_504, Fault.SERVER_ERROR);

        assertThat(client.put(true, 15)).isEqualTo(new AgentResponse.Error(400, "ThrottlingException", "Rate exceeded"));
        assertThat(client.put(true, 15)).isInstanceOfSatisfying(AgentResponse.Error.class, e -> {
            assertThat(e.status()).isEqualTo(403);
            assertThat(e.code()).isEqualTo("AccessDeniedException");
        });
        AgentResponse timeout = client.put(true, 15);
        assertThat(timeout).isEqualTo(new AgentResponse.Error(504, "RequestCanceled", "Timed out calling Amazon ECS Task Protection API"));
        assertThat(timeout.permanent()).isFalse();
        assertThat(client.put(true, 15)).isInstanceOfSatisfying(AgentResponse.Error.class, e -> assertThat(e.status()).isEqualTo(500));
    }

    @Test
    void anAgentThatNeverAnswersTimesOut() {
        agent.inject(Fault.HANG);

        assertThat(client.put(true, 15)).isInstanceOf(AgentResponse.Unreachable.class);
    }

    @Test
    void noAgentListeningIsUnreachable() throws Exception {
        int closed;
        try (var socket = new java.net.ServerSocket(0)) {
            closed = socket.getLocalPort();
        }
        TaskProtectionClient nowhere = new TaskProtectionClient(URI.create("http://127.0.0.1:" + closed + "/api/x"), Duration.ofMillis(500));

        assertThat(nowhere.put(true, 15)).isInstanceOf(AgentResponse.Unreachable.class);
    }

    @Test
    void theFakeRejectsWhatTheRealAgentRejects() throws Exception {
        HttpClient http = HttpClient.newHttpClient();
        URI state = client.stateUri();
        HttpResponse<String> unknownField = http.send(HttpRequest.newBuilder(state)
                .PUT(HttpRequest.BodyPublishers.ofString("{\"ProtectionEnabled\":true,\"Minutes\":5}")).build(), HttpResponse.BodyHandlers.ofString());
        HttpResponse<String> missing = http.send(HttpRequest.newBuilder(state)
                .PUT(HttpRequest.BodyPublishers.ofString("{\"ExpiresInMinutes\":5}")).build(), HttpResponse.BodyHandlers.ofString());

        assertThat(TaskProtectionClient.parse(unknownField.statusCode(), unknownField.body()))
                .isEqualTo(new AgentResponse.Error(400, "InvalidParameterException", "UpdateTaskProtection: failed to decode request"));
        AgentResponse missingField = TaskProtectionClient.parse(missing.statusCode(), missing.body());
        assertThat(missingField).isEqualTo(new AgentResponse.Error(400, "InvalidParameterException",
                "Invalid request: does not contain 'ProtectionEnabled' field"));
        assertThat(missingField.permanent()).isTrue();
    }
}
