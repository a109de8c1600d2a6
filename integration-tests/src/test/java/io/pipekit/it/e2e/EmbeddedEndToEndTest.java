package io.pipekit.it.e2e;

/** {@link EndToEndSuite} on the embedded stack (ElasticMQ, DynamoDB Local, kinesalite, local Pipes and bus). */
class EmbeddedEndToEndTest extends EndToEndSuite {

    @Override
    protected Stack openStack() {
        return new EmbeddedStack();
    }
}
