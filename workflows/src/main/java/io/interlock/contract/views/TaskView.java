package io.interlock.contract.views;

import com.fasterxml.jackson.annotation.JsonInclude;
import io.interlock.contract.values.ProofVerdict;
import io.interlock.contract.values.TaskState;
import java.util.List;

/**
 * The whole task: the {@code status} query's answer.
 *
 * @param taskRunId the first run id of the task: what approval statements and call hashes bind
 * @param requesterProof how the requester was proven ({@code label()}), or an unverified claim
 */
@JsonInclude(JsonInclude.Include.NON_NULL)
public record TaskView(
    String taskId,
    String requester,
    String environment,
    String goal,
    TaskState state,
    String haltedBy,
    boolean finishRequested,
    List<StepView> steps,
    String taskRunId,
    ProofVerdict requesterProof) {}
