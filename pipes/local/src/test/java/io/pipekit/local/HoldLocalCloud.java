package io.pipekit.local;

/** Test helper process: starts a Kinesis emulator, says READY, then waits to be killed. */
final class HoldLocalCloud {

    private HoldLocalCloud() {}

    public static void main(String[] args) throws InterruptedException {
        LocalCloud cloud = LocalCloud.builder().withKinesis(KinesisBackend.parse(args[0])).start();
        System.out.println("READY " + cloud.endpoint(LocalService.KINESIS).getPort());
        System.out.flush();
        Thread.sleep(120_000);
    }
}
