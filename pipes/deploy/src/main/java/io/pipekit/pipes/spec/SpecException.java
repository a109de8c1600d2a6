package io.pipekit.pipes.spec;

import java.util.List;
import java.util.stream.Collectors;

/** The spec is invalid; {@link #problems()} lists every error found, in file order. */
public final class SpecException extends RuntimeException {

    private final List<SpecProblem> problems;

    public SpecException(List<SpecProblem> problems) {
        super(problems.size() + " problem(s) in subscription spec:\n"
                + problems.stream().map(p -> "  " + p).collect(Collectors.joining("\n")));
        this.problems = List.copyOf(problems);
    }

    public List<SpecProblem> problems() {
        return problems;
    }
}
