package io.interlock.contract.views;

import io.interlock.contract.values.TaskState;
import java.util.List;

/** The whole task: the {@code status} query's answer. */
public record TaskView(
    String taskId,
    String requester,
    String environment,
    String goal,
    TaskState state,
    String haltedBy,
    boolean finishRequested,
    List<StepView> steps) {}
