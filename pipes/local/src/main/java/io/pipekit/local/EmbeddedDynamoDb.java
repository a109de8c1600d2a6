package io.pipekit.local;

import com.amazonaws.services.dynamodbv2.local.main.CommandLineInput;
import com.amazonaws.services.dynamodbv2.local.main.ServerRunner;
import com.amazonaws.services.dynamodbv2.local.server.DynamoDBProxyServer;
import java.lang.reflect.Field;
import java.net.URI;
import java.time.Duration;
import org.eclipse.jetty.server.Connector;
import org.eclipse.jetty.server.Server;
import org.eclipse.jetty.server.ServerConnector;
import software.amazon.awssdk.http.apache.ApacheHttpClient;
import software.amazon.awssdk.regions.Region;
import software.amazon.awssdk.services.dynamodb.DynamoDbClient;
import software.amazon.awssdk.services.dynamodb.streams.DynamoDbStreamsClient;

/**
 * DynamoDB Local (tables and Streams, in memory) as an HTTP server in this JVM, bound to 127.0.0.1.
 *
 * <p>Server mode rather than the socket-less embedded mode: only the server returns a correct
 * {@code ApproximateCreationDateTime} on stream records, and other processes (a worker started with
 * {@code AWS_ENDPOINT_URL_DYNAMODB}) can reach it (docs/emulators.md §3). Telemetry is off: it costs
 * about a second and writes a file into the working directory. {@code -sharedDb}: one database whatever
 * the caller's access key and region, so a table made by boto3 with the user's own credentials is the
 * one the local Pipes runtime reads (DynamoDB Local otherwise keeps one database per key and region).
 */
public final class EmbeddedDynamoDb implements AutoCloseable {

    /** DynamoDB Local stamps this region and account into ARNs, whatever the client says. */
    public static final String REGION = "ddblocal";
    public static final String ACCOUNT_ID = "000000000000";

    private final DynamoDBProxyServer server;
    private final URI endpoint;

    private EmbeddedDynamoDb(DynamoDBProxyServer server, int port) {
        this.server = server;
        this.endpoint = URI.create("http://127.0.0.1:" + port);
    }

    /** Starts an in-memory server on a free loopback port; returns once it accepts requests. */
    public static EmbeddedDynamoDb start() {
        int port = FreePort.pick();
        try {
            // DynamoDB Local rejects "-port 0" and has no host option (docs/emulators.md §3): pick the port
            // ourselves and move Jetty's connector to loopback before it binds.
            // createServerFromCommandLineArgs prints a settings banner on stdout; these are its steps
            // without the banner (in memory there is no database file to optimise first)
            CommandLineInput input = new CommandLineInput(new String[] {"-inMemory", "-sharedDb", "-port", Integer.toString(port), "-disableTelemetry"});
            input.init();
            DynamoDBProxyServer server = ServerRunner.createServer(input);
            Field field = DynamoDBProxyServer.class.getDeclaredField("server");
            field.setAccessible(true);
            for (Connector connector : ((Server) field.get(server)).getConnectors()) {
                ((ServerConnector) connector).setHost("127.0.0.1");
            }
            server.start();
            return new EmbeddedDynamoDb(server, port);
        } catch (Exception e) {
            throw new IllegalStateException("DynamoDB Local did not start on 127.0.0.1:" + port + ": " + e, e);
        }
    }

    /** The endpoint URL, usable as {@code AWS_ENDPOINT_URL_DYNAMODB} and {@code AWS_ENDPOINT_URL_DYNAMODB_STREAMS}. */
    public URI endpoint() {
        return endpoint;
    }

    /** A new DynamoDB client for this server. Callers own and close it. */
    public DynamoDbClient newClient() {
        return DynamoDbClient.builder()
                .endpointOverride(endpoint)
                .region(Region.US_EAST_1)
                .credentialsProvider(LocalCredentials.PROVIDER)
                .httpClientBuilder(ApacheHttpClient.builder().socketTimeout(Duration.ofSeconds(30)))
                .build();
    }

    /** A new DynamoDB Streams client for this server. Callers own and close it. */
    public DynamoDbStreamsClient newStreamsClient() {
        return DynamoDbStreamsClient.builder()
                .endpointOverride(endpoint)
                .region(Region.US_EAST_1)
                .credentialsProvider(LocalCredentials.PROVIDER)
                .httpClientBuilder(ApacheHttpClient.builder().socketTimeout(Duration.ofSeconds(30)))
                .build();
    }

    @Override
    public void close() {
        try {
            server.stop();
        } catch (Exception e) {
            throw new IllegalStateException("DynamoDB Local did not stop cleanly", e);
        }
    }
}
