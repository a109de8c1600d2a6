package io.pipekit.producers.testing;

import com.amazonaws.services.dynamodbv2.local.main.ServerRunner;
import com.amazonaws.services.dynamodbv2.local.server.DynamoDBProxyServer;
import java.lang.reflect.Field;
import java.net.ServerSocket;
import java.net.URI;
import software.amazon.awssdk.auth.credentials.AwsBasicCredentials;
import software.amazon.awssdk.auth.credentials.StaticCredentialsProvider;
import software.amazon.awssdk.http.apache.ApacheHttpClient;
import software.amazon.awssdk.regions.Region;
import software.amazon.awssdk.services.dynamodb.DynamoDbClient;

/**
 * DynamoDB Local in HTTP server mode, in-process, on a loopback port (EMULATORS.md §3b): the
 * producer's real SDK client talks the real wire protocol to it. Test-only; the shared launcher in
 * pipes replaces it later.
 */
public final class LocalDynamoDb implements AutoCloseable {

    private final DynamoDBProxyServer server;
    private final URI endpoint;

    private LocalDynamoDb(DynamoDBProxyServer server, int port) {
        this.server = server;
        this.endpoint = URI.create("http://127.0.0.1:" + port);
    }

    public static LocalDynamoDb start() throws Exception {
        int port;
        try (ServerSocket s = new ServerSocket(0, 1, java.net.InetAddress.getLoopbackAddress())) {
            port = s.getLocalPort();
        }
        // no -host option and "-port 0" is rejected: pick a port, then force the loopback bind
        DynamoDBProxyServer server = ServerRunner.createServerFromCommandLineArgs(
                new String[] {"-inMemory", "-port", Integer.toString(port), "-disableTelemetry"});
        Field f = DynamoDBProxyServer.class.getDeclaredField("server");
        f.setAccessible(true);
        for (org.eclipse.jetty.server.Connector c : ((org.eclipse.jetty.server.Server) f.get(server)).getConnectors()) {
            ((org.eclipse.jetty.server.ServerConnector) c).setHost("127.0.0.1");
        }
        server.start();
        return new LocalDynamoDb(server, port);
    }

    public URI endpoint() {
        return endpoint;
    }

    public DynamoDbClient newClient() {
        return DynamoDbClient.builder()
                .endpointOverride(endpoint)
                .region(Region.US_EAST_1)
                .credentialsProvider(StaticCredentialsProvider.create(AwsBasicCredentials.create("local", "local")))
                .httpClientBuilder(ApacheHttpClient.builder().maxConnections(32))
                .build();
    }

    @Override
    public void close() throws Exception {
        server.stop();
    }
}
