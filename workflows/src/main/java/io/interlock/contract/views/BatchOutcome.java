package io.interlock.contract.views;

import com.fasterxml.jackson.annotation.JsonInclude;
import io.interlock.contract.values.StepState;

/**
 * What a task did with one of its own entries of a batch statement.
 *
 * @param taskId the task's workflow id
 * @param entry the entry's index in the statement
 * @param accepted whether the decision was recorded for the step
 * @param why the refusal, naming the rule (null when accepted)
 * @param state the step's state once the gate reacted (null for an unknown step)
 */
@JsonInclude(JsonInclude.Include.NON_NULL)
public record BatchOutcome(
    String taskId,
    int entry,
    String stepId,
    String callHash,
    boolean accepted,
    String why,
    StepState state) {}
