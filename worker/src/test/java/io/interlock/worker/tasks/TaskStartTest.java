package io.interlock.worker.tasks;

import static io.restassured.RestAssured.given;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.grpc.CallOptions;
import io.grpc.Channel;
import io.grpc.ClientCall;
import io.grpc.ClientInterceptor;
import io.grpc.Metadata;
import io.grpc.MethodDescriptor;
import io.grpc.Status;
import io.interlock.contract.commands.TaskRequest;
import io.interlock.contract.views.TaskView;
import io.interlock.worker.dev.DevStack;
import io.interlock.workflows.AgentTask;
import io.interlock.workflows.TaskSearchAttributes;
import io.quarkus.test.junit.QuarkusTest;
import io.restassured.http.ContentType;
import io.restassured.response.Response;
import io.temporal.api.enums.v1.EventType;
import io.temporal.api.enums.v1.WorkflowExecutionStatus;
import io.temporal.api.enums.v1.WorkflowIdConflictPolicy;
import io.temporal.api.history.v1.HistoryEvent;
import io.temporal.client.WorkflowClient;
import io.temporal.client.WorkflowClientOptions;
import io.temporal.client.WorkflowNotFoundException;
import io.temporal.client.WorkflowOptions;
import io.temporal.client.WorkflowStub;
import io.temporal.client.WorkflowUpdateException;
import io.temporal.common.SearchAttributeKey;
import io.temporal.common.SearchAttributes;
import io.temporal.serviceclient.WorkflowServiceStubs;
import io.temporal.serviceclient.WorkflowServiceStubsOptions;
import jakarta.inject.Inject;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.function.Consumer;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * {@code POST /api/tasks} starts the task and gets its first answer in one Temporal call (the
 * {@code open} update sent with the start): the answer carries the requester's verdict; a taken id
 * is a 409 that leaves the task it names alone; the agent's own {@code open} is refused.
 */
@QuarkusTest
class TaskStartTest {
  private static final String AGENT = "dev-incident-bot";

  /** A task queue no worker polls: a start there is stored, its open never accepted. */
  private static final String UNPOLLED = "interlock-test-unpolled";

  @Inject DevStack dev;

  @Test
  @DisplayName(
      "a start over REST answers with the requester's verdict from the task itself, in one open update of its first workflow task")
  void startAnswersWithTheVerdict() {
    String id = "t-" + UUID.randomUUID();
    Response r = start(id, "first");
    assertThat(r.statusCode()).as(r.asString()).isEqualTo(201);
    assertThat(r.jsonPath().getString("taskId")).isEqualTo(id);
    assertThat(r.jsonPath().getString("state")).isEqualTo("RUNNING");
    assertThat(r.jsonPath().getBoolean("requesterProof.verified")).isTrue();
    assertThat(r.jsonPath().getString("requesterProof.kind")).isEqualTo("jws");
    withTemporal(
        "history-reader",
        c -> {
          List<HistoryEvent> events = c.fetchHistory(id).getEvents();
          assertThat(opens(events)).as("open updates").isEqualTo(1);
          // Indexed by its start, so listable at once; the run found nothing to upsert.
          IndexedStart.assertIndexedAtStart(events);
          assertThat(
                  WorkflowStub.fromTyped(c.newWorkflowStub(AgentTask.class, id))
                      .describe()
                      .getTypedSearchAttributes()
                      .get(TaskSearchAttributes.REQUESTER))
              .isEqualTo("agent:incident-bot");
        });
  }

  // ---- attacks ------------------------------------------------------------------------------

  @Test
  @DisplayName(
      "a start naming a running task's id is a 409 with error, why and next; the task keeps its goal and one open")
  void takenIdRefused() {
    String id = "t-" + UUID.randomUUID();
    assertThat(start(id, "first").statusCode()).isEqualTo(201);
    Response again = start(id, "second");
    assertThat(again.statusCode()).as(again.asString()).isEqualTo(409);
    assertThat(again.jsonPath().getString("error")).isEqualTo("task " + id + " already exists");
    assertThat(again.jsonPath().getString("why")).contains("names one task for good");
    assertThat(again.jsonPath().getString("next")).contains("leave taskId out");
    withTemporal(
        "history-reader",
        c -> {
          assertThat(opens(c.fetchHistory(id).getEvents())).isEqualTo(1);
          assertThat(c.newWorkflowStub(AgentTask.class, id).status().goal()).isEqualTo("first");
        });
    assertThat(given().auth().oauth2(AGENT).get("/api/tasks/" + id).jsonPath().getString("goal"))
        .isEqualTo("first");
  }

  @Test
  @DisplayName(
      "an agent's own open update after a REST start, alone, in a row or with junk or oversized arguments, is refused by the validator: no second answer in the history, the task unchanged")
  void agentsOpenRefused() {
    String id = "t-" + UUID.randomUUID();
    assertThat(start(id, "first").statusCode()).isEqualTo(201);
    withTemporal(
        "agent-sdk",
        c -> {
          AgentTask task = c.newWorkflowStub(AgentTask.class, id);
          for (int i = 0; i < 5; i++) {
            assertThatThrownBy(task::open)
                .isInstanceOf(WorkflowUpdateException.class)
                .rootCause()
                .hasMessageContaining("open answers a task's start only");
          }
          // As plain JSON from another client: arguments it does not take, oversized or not JSON.
          var raw = c.newUntypedWorkflowStub(id);
          for (Object junk : List.of(Map.of("taskId", "another"), "x".repeat(1_000_000), 42)) {
            assertThatThrownBy(() -> raw.update("open", TaskView.class, junk))
                .isInstanceOf(WorkflowUpdateException.class);
          }
          List<HistoryEvent> events = c.fetchHistory(id).getEvents();
          assertThat(opens(events)).isEqualTo(1);
          assertThat(events)
              .noneMatch(e -> e.getEventType() == EventType.EVENT_TYPE_WORKFLOW_TASK_FAILED);
          TaskView status = task.status();
          assertThat(status.goal()).isEqualTo("first");
          assertThat(status.steps()).isEmpty();
        });
  }

  @Test
  @Timeout(120) // liveness, not speed: without its bound the SDK would resend the start for good
  @DisplayName(
      "with no worker to answer, the start and open call returns after its bound with no answer; the task exists and its id is taken")
  void unansweredStartIsBounded() {
    String id = "t-" + UUID.randomUUID();
    withTemporal(
        "interlock-api:test",
        c -> {
          AgentTask task = stub(c, id, UNPOLLED);
          TaskRequest request = new TaskRequest("agent:incident-bot", "staging", "unpolled", null);
          assertThat(TaskOpening.open(task, request, Duration.ofSeconds(2))).isNull();
          assertThat(c.newUntypedWorkflowStub(id).describe().getStatus())
              .isEqualTo(WorkflowExecutionStatus.WORKFLOW_EXECUTION_STATUS_RUNNING);
          assertThatThrownBy(
                  () -> TaskOpening.open(stub(c, id, UNPOLLED), request, Duration.ofSeconds(2)))
              .isInstanceOf(TaskOpening.Taken.class);
          c.newUntypedWorkflowStub(id).terminate("test: nobody polls its queue");
        });
  }

  @Test
  @DisplayName(
      "against a server without update-with-start (ExecuteMultiOperation unimplemented) the task gets a plain start and runs; its id is then taken")
  void serverWithoutUpdateWithStart() {
    String id = "t-" + UUID.randomUUID();
    WorkflowServiceStubs stubs =
        WorkflowServiceStubs.newServiceStubs(
            WorkflowServiceStubsOptions.newBuilder()
                .setTarget(dev.temporal().target())
                .setGrpcClientInterceptors(List.of(new NoMultiOperation()))
                .build());
    try {
      WorkflowClient old =
          WorkflowClient.newInstance(
              stubs, WorkflowClientOptions.newBuilder().setIdentity("interlock-api:test").build());
      TaskRequest request = new TaskRequest("agent:incident-bot", "staging", "old server", null);
      assertThat(
              TaskOpening.open(
                  stub(old, id, AgentTask.TASK_QUEUE), request, Duration.ofSeconds(10)))
          .isNull();
      assertThat(old.newWorkflowStub(AgentTask.class, id).status().goal()).isEqualTo("old server");
      assertThatThrownBy(
              () ->
                  TaskOpening.open(
                      stub(old, id, AgentTask.TASK_QUEUE), request, Duration.ofSeconds(10)))
          .isInstanceOf(TaskOpening.Taken.class);
      old.newUntypedWorkflowStub(id).terminate("test done");
    } finally {
      stubs.shutdown();
    }
  }

  @Test
  @DisplayName(
      "a start the server refuses as built (a search attribute it does not know) fails at once as refused; nothing starts")
  void startRefusedByTheServer() {
    String id = "t-" + UUID.randomUUID();
    withTemporal(
        "interlock-api:test",
        c -> {
          AgentTask task =
              stub(
                  c,
                  id,
                  AgentTask.TASK_QUEUE,
                  SearchAttributes.newBuilder()
                      .set(SearchAttributeKey.forKeyword("InterlockNotRegistered"), "x")
                      .build());
          TaskRequest request = new TaskRequest("agent:incident-bot", "staging", "refused", null);
          assertThatThrownBy(() -> TaskOpening.open(task, request, Duration.ofSeconds(10)))
              .isInstanceOf(TaskOpening.Refused.class)
              .hasMessageContaining("InterlockNotRegistered");
          assertThatThrownBy(() -> c.newUntypedWorkflowStub(id).describe())
              .isInstanceOf(WorkflowNotFoundException.class);
        });
    // The API goes on starting tasks.
    assertThat(start("t-" + UUID.randomUUID(), "after").statusCode()).isEqualTo(201);
  }

  /** A stub for a task not started yet, as the API makes one: a taken id fails the start. */
  private static AgentTask stub(WorkflowClient c, String id, String queue) {
    return stub(c, id, queue, null);
  }

  /** {@link #stub(WorkflowClient, String, String)}, its start carrying this index (null: none). */
  private static AgentTask stub(
      WorkflowClient c, String id, String queue, SearchAttributes indexed) {
    return c.newWorkflowStub(
        AgentTask.class,
        WorkflowOptions.newBuilder()
            .setWorkflowId(id)
            .setTaskQueue(queue)
            .setWorkflowIdConflictPolicy(WorkflowIdConflictPolicy.WORKFLOW_ID_CONFLICT_POLICY_FAIL)
            .setTypedSearchAttributes(indexed)
            .build());
  }

  /** Answers ExecuteMultiOperation as a server that predates it does. */
  private static final class NoMultiOperation implements ClientInterceptor {
    @Override
    public <Q, R> ClientCall<Q, R> interceptCall(
        MethodDescriptor<Q, R> method, CallOptions options, Channel next) {
      if (!"ExecuteMultiOperation".equals(method.getBareMethodName())) {
        return next.newCall(method, options);
      }
      return new ClientCall<>() {
        @Override
        public void start(Listener<R> listener, Metadata headers) {
          listener.onClose(
              Status.UNIMPLEMENTED.withDescription("unknown method ExecuteMultiOperation"),
              new Metadata());
        }

        @Override
        public void request(int n) {}

        @Override
        public void cancel(String message, Throwable cause) {}

        @Override
        public void halfClose() {}

        @Override
        public void sendMessage(Q message) {}
      };
    }
  }

  private static Response start(String id, String goal) {
    return given()
        .auth()
        .oauth2(AGENT)
        .contentType(ContentType.JSON)
        .body(Map.of("taskId", id, "environment", "staging", "goal", goal))
        .post("/api/tasks");
  }

  private static long opens(List<HistoryEvent> events) {
    return events.stream()
        .filter(e -> e.getEventType() == EventType.EVENT_TYPE_WORKFLOW_EXECUTION_UPDATE_ACCEPTED)
        .filter(
            e ->
                e.getWorkflowExecutionUpdateAcceptedEventAttributes()
                    .getAcceptedRequest()
                    .getInput()
                    .getName()
                    .equals("open"))
        .count();
  }

  /** A Temporal client of its own, as an SDK agent or an operator holds one. */
  private void withTemporal(String identity, Consumer<WorkflowClient> use) {
    WorkflowServiceStubs stubs =
        WorkflowServiceStubs.newServiceStubs(
            WorkflowServiceStubsOptions.newBuilder().setTarget(dev.temporal().target()).build());
    try {
      use.accept(
          WorkflowClient.newInstance(
              stubs, WorkflowClientOptions.newBuilder().setIdentity(identity).build()));
    } finally {
      stubs.shutdown();
    }
  }
}
