package io.pipekit.producers;

/** Receives a snapshot about four times a second while a run is going, and the final summary. */
public interface ProgressListener {

    ProgressListener NONE = soFar -> {};

    void onProgress(RunSummary soFar);

    default void onFinish(RunSummary summary) {}
}
