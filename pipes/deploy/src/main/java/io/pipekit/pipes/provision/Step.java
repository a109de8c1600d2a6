package io.pipekit.pipes.provision;

/** A planned change and the SDK calls that carry it out. */
record Step(Change change, Runnable action) {}
