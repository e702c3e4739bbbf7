package io.interlock.contract.views;

import io.interlock.contract.values.TaskState;
import java.util.List;

/** Result of {@code AgentTask}: the final state of every step. */
public record TaskResult(String taskId, TaskState state, String haltedBy, List<StepView> steps) {}
