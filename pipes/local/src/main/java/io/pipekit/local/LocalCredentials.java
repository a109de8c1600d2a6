package io.pipekit.local;

import software.amazon.awssdk.auth.credentials.AwsBasicCredentials;
import software.amazon.awssdk.auth.credentials.StaticCredentialsProvider;

/** Static credentials that every local emulator accepts (none of them checks signatures). */
final class LocalCredentials {

    static final StaticCredentialsProvider PROVIDER =
            StaticCredentialsProvider.create(AwsBasicCredentials.create("local", "local"));

    private LocalCredentials() {}
}
