package io.interlock.gate;

import static io.interlock.gate.GateHarness.get;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowable;

import com.fasterxml.jackson.databind.JsonNode;
import io.interlock.contract.values.CallerText;
import io.interlock.contract.values.StepState;
import io.interlock.contract.views.StepView;
import io.interlock.gate.BadDecisions.BadDecision;
import io.interlock.workflows.AgentTask;
import io.temporal.client.WorkflowFailedException;
import io.temporal.client.WorkflowOptions;
import io.temporal.client.WorkflowStub;
import io.temporal.client.WorkflowUpdateException;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.TimeUnit;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.ForAll;
import net.jqwik.api.Label;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;
import net.jqwik.api.lifecycle.AfterContainer;
import net.jqwik.api.lifecycle.BeforeContainer;
import net.jqwik.api.lifecycle.BeforeProperty;

/**
 * Generated bad payloads from any Temporal client, sent through untyped stubs with their bytes as
 * they are (as another SDK or {@code temporal workflow start --input} would): a bad start ends the
 * task FAILED at once naming the field; a bad signal or update never moves, ends or wedges the task
 * it is sent to; nothing bad ever changes the cluster; the engine keeps serving.
 */
class TemporalPayloadPropertiesTest {
  /** One engine for the class: starting it per try would cost more than all tries together. */
  private static GateHarness h;

  @BeforeContainer
  static void startEngine() {
    h = new GateHarness();
  }

  @AfterContainer
  static void stopEngine() {
    h.close();
  }

  @Provide
  Arbitrary<BadInput> badStarts() {
    return BadStarts.all();
  }

  @Property(tries = 100)
  @Label("a bad start input ends its task FAILED within seconds, naming the field; nothing mutates")
  void badStartFailsNamingTheField(@ForAll("badStarts") BadInput start) {
    long before = h.mutations();
    WorkflowStub stub =
        h.client.newUntypedWorkflowStub(
            AgentTask.TYPE,
            WorkflowOptions.newBuilder()
                .setTaskQueue(AgentTask.TASK_QUEUE)
                .setWorkflowId("bad-start-" + UUID.randomUUID())
                .build());
    stub.start(start.payload());
    Throwable ended = catchThrowable(() -> stub.getResult(20, TimeUnit.SECONDS, JsonNode.class));
    assertThat(ended).as("the task's end").isInstanceOf(WorkflowFailedException.class);
    assertThat(messages(ended)).as("why it failed").contains(start.named());
    assertThat(h.mutations()).as("mutations").isEqualTo(before);
    aNewTaskStillRuns();
  }

  @Provide
  Arbitrary<List<BadDecision>> badDecisionBursts() {
    return BadDecisions.all().list().ofMinSize(1).ofMaxSize(20);
  }

  @Property(tries = 100)
  @Label(
      "unproven or malformed approve/reject signals and decide updates, alone or in bursts, never move, end or wedge"
          + " a waiting task; nothing mutates")
  void badDecisionsChangeNothing(@ForAll("badDecisionBursts") List<BadDecision> burst) {
    renewTargetsEvery(100);
    long before = h.mutations();
    for (BadDecision d : burst) {
      send(d);
    }
    theTaskStillWaitsAndServes();
    assertThat(h.mutations()).as("mutations").isEqualTo(before);
  }

  @Provide
  Arbitrary<BadInput> badCalls() {
    return BadCalls.all();
  }

  @Property(tries = 100)
  @Label(
      "a bad propose body is rejected, or its step FAILED or BLOCKED naming the problem; the task keeps serving;"
          + " nothing mutates")
  void badCallsNeverRun(@ForAll("badCalls") BadInput call) {
    renewTargetsEvery(100);
    long before = h.mutations();
    try {
      JsonNode step = untyped(idle).update("propose", JsonNode.class, call.payload());
      assertThat(step.path("state").asText())
          .as("the proposed step's state: %s", step)
          .isIn("FAILED", "BLOCKED");
      // Named as sent, or as a message shows caller text (one printable line).
      assertThat(step.path("error").asText())
          .as("its error")
          .containsAnyOf(call.named(), CallerText.shown(call.named()));
    } catch (WorkflowUpdateException refused) {
      assertThat(messages(refused))
          .as("why it was refused")
          .containsAnyOf(call.named(), CallerText.shown(call.named()));
    }
    assertThat(idle.propose(get("web")).state())
        .as("a read in the same task")
        .isEqualTo(StepState.SUCCEEDED);
    assertThat(h.mutations()).as("mutations").isEqualTo(before);
  }

  /** What bad decisions are aimed at: a task whose write waits for approval (one per property). */
  private AgentTask waiting;

  private StepView write;

  /**
   * What bad calls are aimed at: a task with nothing pending, so a call is judged at once, never
   * queued.
   */
  private AgentTask idle;

  private int tries;

  @BeforeProperty
  void targets() {
    waiting = h.start("agent:bot", "staging");
    write = waiting.propose(GateHarness.scale("web", 4));
    assertThat(write.state()).isEqualTo(StepState.AWAITING_APPROVAL);
    idle = h.start("agent:bot", "staging");
  }

  /**
   * Each try adds up to two steps: fresh targets long before a task's 500-step limit (shrinking
   * adds tries).
   */
  private void renewTargetsEvery(int n) {
    if (++tries % n == 0) {
      targets();
    }
  }

  private static WorkflowStub untyped(AgentTask task) {
    return h.client.newUntypedWorkflowStub(
        WorkflowStub.fromTyped(task).getExecution().getWorkflowId());
  }

  private void send(BadDecision d) {
    BadInput body =
        d.body()
            .replacing(BadDecisions.UPPER_HASH, write.callHash().toUpperCase())
            .replacing(
                BadDecisions.CUT_HASH, write.callHash().substring(0, write.callHash().length() - 1))
            .replacing(BadDecisions.HASH, write.callHash());
    if (!d.handler().equals("decide")) {
      untyped(waiting).signal(d.handler(), body.payload());
      return;
    }
    Throwable answer =
        catchThrowable(() -> untyped(waiting).update("decide", JsonNode.class, body.payload()));
    assertThat(answer)
        .as("the decide update's answer to %s", body)
        .isInstanceOf(WorkflowUpdateException.class);
  }

  /**
   * The read's answer comes after every signal sent before it was handled: then nothing may have
   * moved.
   */
  private void theTaskStillWaitsAndServes() {
    assertThat(waiting.propose(get("web")).state())
        .as("a read in the same task")
        .isEqualTo(StepState.SUCCEEDED);
    StepView now = GateHarness.step(waiting.status(), write.stepId());
    assertThat(now.state()).as("the waiting write").isEqualTo(StepState.AWAITING_APPROVAL);
    assertThat(now.approvals()).as("approvals counted").isEmpty();
  }

  private static void aNewTaskStillRuns() {
    assertThat(h.start("agent:bot", "staging").propose(get("web")).state())
        .as("a new task's read")
        .isEqualTo(StepState.SUCCEEDED);
  }

  /** Every message of the cause chain, so the assertion shows what the client was told. */
  private static String messages(Throwable t) {
    StringBuilder all = new StringBuilder();
    for (Throwable c = t; c != null; c = c.getCause()) {
      all.append(c.getMessage()).append(" | ");
    }
    return all.toString();
  }
}
