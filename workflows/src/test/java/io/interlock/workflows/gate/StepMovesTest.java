package io.interlock.workflows.gate;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.interlock.contract.commands.ToolCall;
import io.interlock.contract.values.StepState;
import java.util.ArrayDeque;
import java.util.EnumSet;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

/** The gate's transition table: what Step.moveTo lets a step do, and what it never can. */
class StepMovesTest {
  private static Step proposed() {
    return new Step(7, new ToolCall("k8s.scale", Map.of("name", "web")), null, "t");
  }

  /** States reachable from PROPOSED without passing through {@code avoided}. */
  private static Set<StepState> reachableAvoiding(StepState avoided) {
    Set<StepState> seen = EnumSet.of(StepState.PROPOSED);
    ArrayDeque<StepState> todo = new ArrayDeque<>(seen);
    while (!todo.isEmpty()) {
      StepState from = todo.pop();
      for (StepState to : StepState.values()) {
        if (to != avoided && Step.canMove(from, to) && seen.add(to)) {
          todo.push(to);
        }
      }
    }
    return seen;
  }

  @Test
  @DisplayName(
      "given a proposed write, moving it straight to EXECUTING should be refused, naming both states")
  void skippingToExecutionIsRefused() {
    Step s = proposed();
    assertThatThrownBy(() -> s.moveTo(StepState.EXECUTING))
        .isInstanceOf(IllegalStateException.class)
        .hasMessageContaining("s7")
        .hasMessageContaining("PROPOSED")
        .hasMessageContaining("EXECUTING");
    assertThat(s.state()).isEqualTo(StepState.PROPOSED);
  }

  @Test
  @DisplayName(
      "given the table, no path reaches EXECUTING without APPROVED, nor without POLICY_RECHECKED")
  void executionNeedsApprovalAndRecheck() {
    assertThat(reachableAvoiding(StepState.APPROVED))
        .doesNotContain(StepState.EXECUTING, StepState.VERIFIED);
    assertThat(reachableAvoiding(StepState.POLICY_RECHECKED)).doesNotContain(StepState.EXECUTING);
    assertThat(reachableAvoiding(StepState.AWAITING_APPROVAL)).doesNotContain(StepState.APPROVED);
    assertThat(reachableAvoiding(null))
        .contains(StepState.EXECUTING, StepState.VERIFIED, StepState.SUCCEEDED);
  }

  @Test
  @DisplayName("given a final state, the step should never move again (no repeat of a stage)")
  void finalStatesStay() {
    for (StepState from : StepState.values()) {
      if (from.isFinal()) {
        for (StepState to : StepState.values()) {
          assertThat(Step.canMove(from, to)).as("%s -> %s", from, to).isFalse();
        }
      }
    }
  }

  @Test
  @DisplayName(
      "given a write through its whole life, every move of the happy path should be accepted in order")
  void happyPathIsAccepted() {
    Step s = proposed();
    for (StepState next :
        new StepState[] {
          StepState.PREVIEWED,
          StepState.POLICY_CHECKED,
          StepState.AWAITING_APPROVAL,
          StepState.APPROVED,
          StepState.POLICY_RECHECKED,
          StepState.EXECUTING,
          StepState.VERIFYING,
          StepState.VERIFIED
        }) {
      s.moveTo(next);
    }
    assertThat(s.state()).isEqualTo(StepState.VERIFIED);
  }
}
