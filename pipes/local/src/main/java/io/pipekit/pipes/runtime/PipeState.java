package io.pipekit.pipes.runtime;

/** A pipe's {@code CurrentState} as the Pipes API reports it (docs/aws-behaviour.md §1.10). */
public enum PipeState {
    RUNNING, STOPPED, CREATING, UPDATING, DELETING, STARTING, STOPPING,
    CREATE_FAILED, UPDATE_FAILED, START_FAILED, STOP_FAILED, DELETE_FAILED,
    CREATE_ROLLBACK_FAILED, DELETE_ROLLBACK_FAILED, UPDATE_ROLLBACK_FAILED
}
