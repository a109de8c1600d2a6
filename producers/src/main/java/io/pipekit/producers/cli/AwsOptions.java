package io.pipekit.producers.cli;

import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import picocli.CommandLine.Option;
import software.amazon.awssdk.auth.credentials.AwsBasicCredentials;
import software.amazon.awssdk.auth.credentials.StaticCredentialsProvider;
import software.amazon.awssdk.awscore.client.builder.AwsClientBuilder;
import software.amazon.awssdk.awscore.client.builder.AwsSyncClientBuilder;
import software.amazon.awssdk.core.exception.SdkClientException;
import software.amazon.awssdk.http.apache.ApacheHttpClient;
import software.amazon.awssdk.regions.Region;
import software.amazon.awssdk.regions.providers.AwsProfileRegionProvider;
import software.amazon.awssdk.regions.providers.AwsRegionProviderChain;
import software.amazon.awssdk.regions.providers.DefaultAwsRegionProviderChain;
import software.amazon.awssdk.regions.providers.SystemSettingsRegionProvider;

/**
 * Client settings, the AWS way: region and credentials from the default chains, the endpoint from
 * {@code AWS_ENDPOINT_URL} / {@code AWS_ENDPOINT_URL_<SERVICE>} (the SDK reads those itself), and
 * {@code --endpoint} / {@code --region} as explicit overrides.
 */
final class AwsOptions {

    private static final Logger log = LoggerFactory.getLogger(AwsOptions.class);

    @Option(names = "--region", description = "The AWS Region to use, like the AWS CLI option (default: AWS_REGION, then the profile's region; us-east-1 against a local endpoint).")
    String region;

    @Option(names = "--profile", description = "The named profile of ~/.aws/config and ~/.aws/credentials to use, like the AWS CLI option (default: AWS_PROFILE, then default).")
    String profile;

    @Option(names = {"--endpoint-url", "--endpoint"}, description = "Send every call to this endpoint, e.g. http://127.0.0.1:4566, like the AWS CLI option (default: AWS_ENDPOINT_URL_<SERVICE>, AWS_ENDPOINT_URL, then AWS).")
    URI endpoint;

    <B extends AwsClientBuilder<B, C> & AwsSyncClientBuilder<B, C>, C> C build(B builder, String service, int concurrency) {
        builder.httpClientBuilder(ApacheHttpClient.builder()
                .maxConnections(Math.max(16, concurrency * 2))
                .socketTimeout(Duration.ofSeconds(30)));
        if (profile != null) {
            // the SDK's own setting: the credential and region chains of every client read it
            System.setProperty("aws.profile", profile);
        }
        boolean local = endpoint != null || System.getenv("AWS_ENDPOINT_URL") != null
                || System.getenv("AWS_ENDPOINT_URL_" + service) != null;
        if (endpoint != null) builder.endpointOverride(endpoint);
        builder.region(resolveRegion(local));
        if (endpoint != null && !hasCredentials()) {
            // local emulators accept any signature; spare the demo user an env setup step
            log.info("no AWS credentials found; using dummy credentials for {}", endpoint);
            builder.credentialsProvider(StaticCredentialsProvider.create(AwsBasicCredentials.create("local", "local")));
        }
        return builder.build();
    }

    private Region resolveRegion(boolean local) {
        if (region != null) return Region.of(region);
        try {
            // against a local endpoint, skip the chain's EC2 metadata probe (seconds of timeouts off EC2)
            return local
                    ? new AwsRegionProviderChain(new SystemSettingsRegionProvider(), new AwsProfileRegionProvider()).getRegion()
                    : new DefaultAwsRegionProviderChain().getRegion();
        } catch (SdkClientException e) {
            if (local) return Region.US_EAST_1;
            throw new IllegalArgumentException("no AWS region configured: set AWS_REGION or pass --region");
        }
    }

    private static boolean hasCredentials() {
        if (System.getenv("AWS_ACCESS_KEY_ID") != null || System.getProperty("aws.accessKeyId") != null
                || System.getenv("AWS_PROFILE") != null || System.getProperty("aws.profile") != null || System.getenv("AWS_WEB_IDENTITY_TOKEN_FILE") != null
                || System.getenv("AWS_CONTAINER_CREDENTIALS_RELATIVE_URI") != null
                || System.getenv("AWS_CONTAINER_CREDENTIALS_FULL_URI") != null) {
            return true;
        }
        // checking files instead of resolving the chain: resolution would probe EC2 metadata for seconds
        Path aws = Path.of(System.getProperty("user.home"), ".aws");
        return Files.exists(aws.resolve("credentials")) || Files.exists(aws.resolve("config"));
    }
}
