package io.interlock.gate;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.interlock.activities.LookActivitiesImpl;
import io.interlock.activities.ServedEnvironments;
import io.interlock.activities.ToolActivitiesImpl;
import io.interlock.activities.k8s.KubernetesCatalog;
import io.interlock.activities.policy.PolicyActivitiesImpl;
import io.interlock.activities.secrets.DigestKey;
import io.interlock.activities.secrets.SecretStores;
import io.interlock.activities.tools.ToolContext;
import io.interlock.activities.verify.VerificationPool;
import io.interlock.contract.activities.LookActivities;
import io.interlock.contract.activities.ToolActivities;
import io.interlock.contract.commands.TaskRequest;
import io.interlock.contract.commands.ToolCall;
import io.interlock.contract.values.StepState;
import io.interlock.contract.views.StepView;
import io.interlock.contract.views.TaskView;
import io.interlock.simcluster.SimulatedCluster;
import io.interlock.workflows.AgentTask;
import io.interlock.workflows.AgentTaskOptions;
import io.interlock.workflows.TaskSearchAttributes;
import io.interlock.workflows.gate.AgentTaskImpl;
import io.interlock.workflows.lock.EnvironmentLockImpl;
import io.interlock.workflows.proof.Statement;
import io.temporal.api.enums.v1.IndexedValueType;
import io.temporal.api.enums.v1.WorkflowExecutionStatus;
import io.temporal.api.enums.v1.WorkflowIdConflictPolicy;
import io.temporal.client.UpdateOptions;
import io.temporal.client.WithStartWorkflowOperation;
import io.temporal.client.WorkflowClient;
import io.temporal.client.WorkflowClientOptions;
import io.temporal.client.WorkflowOptions;
import io.temporal.client.WorkflowStub;
import io.temporal.client.WorkflowUpdateStage;
import io.temporal.common.SearchAttributes;
import io.temporal.testing.TestEnvironmentOptions;
import io.temporal.testing.TestWorkflowEnvironment;
import io.temporal.worker.Worker;
import io.temporal.worker.WorkerOptions;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.function.Predicate;

/**
 * The real engine on a test footing: the Temporal test server (time skipping), the AgentTask
 * workflow, the real tool and policy activities, against the simulated cluster. Nothing of ours is
 * faked; only the inbox side channel records instead of indexing.
 */
final class GateHarness implements AutoCloseable {
  static final Path POLICY = Path.of("src/test/resources/gate/gate-policy.yaml");

  final SimulatedCluster cluster;
  final TestWorkflowEnvironment env;
  final VerificationPool verifications;
  final WorkflowClient client;
  final RecordingInbox inbox = new RecordingInbox();

  /**
   * The workers' secret store {@value #SECRET_STORE}: a directory whose files are values referenced
   * by Secrets.
   */
  static final String SECRET_STORE = "gate";

  final Path secretStore;

  /** The time the policy sees: a requester's proof is judged by it. */
  private final Clock policyClock;

  GateHarness() {
    this(POLICY, Clock.systemUTC());
  }

  /** With another policy file and the clock the policy sees (freeze windows, lock expiry). */
  /** With each environment's tool activities wrapped (a slow worker, say). */
  GateHarness(java.util.function.BiFunction<String, ToolActivities, ToolActivities> tools) {
    this(POLICY, Clock.systemUTC(), tools);
  }

  GateHarness(Path policyFile, Clock policyClock) {
    this(policyFile, policyClock, (environment, real) -> real);
  }

  /** With each environment worker running at most {@code slots} activities at once. */
  static GateHarness withActivitySlots(int slots) {
    return new GateHarness(POLICY, Clock.systemUTC(), (environment, real) -> real, slots, true);
  }

  /**
   * A workflow worker that serves no environment (a separate process from the environments'
   * workers): every look travels on the environment's queue.
   */
  static GateHarness withWorkflowWorkerServingNothing() {
    return new GateHarness(POLICY, Clock.systemUTC(), (environment, real) -> real, 0, false);
  }

  private GateHarness(
      Path policyFile,
      Clock policyClock,
      java.util.function.BiFunction<String, ToolActivities, ToolActivities> tools) {
    this(policyFile, policyClock, tools, 0, true);
  }

  private GateHarness(
      Path policyFile,
      Clock policyClock,
      java.util.function.BiFunction<String, ToolActivities, ToolActivities> tools,
      int activitySlots,
      boolean workflowWorkerServes) {
    this.policyClock = policyClock;
    cluster = GateFixtures.startCluster();
    Path withIdentities = TestIdentities.policyWithIdentities(policyFile);
    // Payloads are converted as the worker converts them in production (read strictly).
    env =
        TestWorkflowEnvironment.newInstance(
            TestEnvironmentOptions.newBuilder()
                .setWorkflowClientOptions(
                    WorkflowClientOptions.newBuilder()
                        .setDataConverter(AgentTaskOptions.dataConverter())
                        .build())
                .build());
    env.registerSearchAttribute(
        TaskSearchAttributes.TASK_STATE.getName(), IndexedValueType.INDEXED_VALUE_TYPE_KEYWORD);
    env.registerSearchAttribute(
        TaskSearchAttributes.PENDING_STEPS.getName(),
        IndexedValueType.INDEXED_VALUE_TYPE_KEYWORD_LIST);
    env.registerSearchAttribute(
        TaskSearchAttributes.ENVIRONMENT.getName(), IndexedValueType.INDEXED_VALUE_TYPE_KEYWORD);
    env.registerSearchAttribute(
        TaskSearchAttributes.REQUESTER.getName(), IndexedValueType.INDEXED_VALUE_TYPE_KEYWORD);
    try {
      secretStore = Files.createTempDirectory("interlock-gate-secrets");
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    SecretStores stores = SecretStores.of(Map.of(SECRET_STORE, secretStore));
    DigestKey digestKey = DigestKey.ephemeral();
    // As the worker runs it: verifications on a shared pool, completed asynchronously.
    verifications =
        new VerificationPool(
            env.getWorkflowClient().newActivityCompletionClient(), Clock.systemUTC(), 2);
    Worker control = env.newWorker(AgentTask.TASK_QUEUE);
    control.registerWorkflowImplementationTypes(
        AgentTaskOptions.implementation(), AgentTaskImpl.class, EnvironmentLockImpl.class);
    Map<String, ServedEnvironments.Served> served = new HashMap<>();
    for (String environment : List.of("staging", "prod")) {
      Worker w =
          env.newWorker(
              AgentTask.environmentQueue(environment),
              activitySlots > 0
                  ? WorkerOptions.newBuilder()
                      .setMaxConcurrentActivityExecutionSize(activitySlots)
                      .build()
                  : WorkerOptions.getDefaultInstance());
      ToolContext ctx =
          new ToolContext(
              environment,
              cluster.client(),
              Clock.systemUTC(),
              Duration.ofMillis(100),
              stores,
              digestKey);
      ToolActivities envTools =
          tools.apply(
              environment,
              new ToolActivitiesImpl(KubernetesCatalog.registry(), ctx, verifications));
      PolicyActivitiesImpl envPolicy =
          GateFixtures.policy(
              withIdentities, policyClock, environment, cluster, env.getWorkflowClient());
      LookActivities look = new LookActivitiesImpl(envTools, envPolicy);
      w.registerActivitiesImplementations(envTools, envPolicy, look);
      served.put(environment, new ServedEnvironments.Served(look, envPolicy));
    }
    // As WorkerBootstrap registers it: the served environments' observations run locally.
    control.registerActivitiesImplementations(
        inbox, new ServedEnvironments(workflowWorkerServes ? served : Map.of()));
    env.start();
    client = env.getWorkflowClient();
  }

  AgentTask start(String requester, String environment, ToolCall... steps) {
    return start(new TaskRequest(requester, environment, "gate test", List.of(steps)));
  }

  /** Starts with a requester proof from the test issuer unless the request carries one. */
  AgentTask start(TaskRequest request) {
    String workflowId = "task-" + UUID.randomUUID();
    return startAs(
        workflowId, request.requesterProof() == null ? proven(workflowId, request) : request);
  }

  /** The request with a requester proof from the test issuer, bound to this workflow id. */
  TaskRequest proven(String workflowId, TaskRequest request) {
    Instant now = policyClock.instant().truncatedTo(java.time.temporal.ChronoUnit.SECONDS);
    return request.withRequesterProof(
        TestIdentities.jws(
            Statement.request(
                workflowId,
                request.requester(),
                request.environment(),
                now.toString(),
                now.plusSeconds(600).toString())));
  }

  /** Starts exactly this request (no proof added). */
  AgentTask startAs(String workflowId, TaskRequest request) {
    AgentTask task = unstarted(workflowId);
    WorkflowClient.start(task::run, request);
    return task;
  }

  /**
   * Proposes reads to a task (started with a small history limit) until it continues as new, then
   * one more, so its current run has answered a step.
   */
  void readUntilContinued(AgentTask task, String workflowId) {
    String firstRun = runOf(workflowId);
    for (int i = 0; i < 60 && runOf(workflowId).equals(firstRun); i++) {
      task.propose(get("web"));
    }
    assertThat(runOf(workflowId)).as("continued as new").isNotEqualTo(firstRun);
    task.propose(get("web"));
  }

  private String runOf(String workflowId) {
    return client.newUntypedWorkflowStub(workflowId).describe().getExecution().getRunId();
  }

  /** A stub for a task not started yet; starting it with a taken id fails, as over REST. */
  AgentTask unstarted(String workflowId) {
    return unstarted(workflowId, null);
  }

  /** {@link #unstarted(String)}, its start carrying these search attributes (null: none). */
  AgentTask unstarted(String workflowId, SearchAttributes indexed) {
    return client.newWorkflowStub(
        AgentTask.class,
        WorkflowOptions.newBuilder()
            .setTaskQueue(AgentTask.TASK_QUEUE)
            .setWorkflowId(workflowId)
            .setWorkflowIdConflictPolicy(WorkflowIdConflictPolicy.WORKFLOW_ID_CONFLICT_POLICY_FAIL)
            .setTypedSearchAttributes(indexed)
            .build());
  }

  /** Starts the task with its {@code open} update in one call, as the REST API does. */
  static TaskView open(AgentTask task, TaskRequest request) {
    return WorkflowClient.executeUpdateWithStart(
        task::open,
        UpdateOptions.<TaskView>newBuilder().setWaitForStage(WorkflowUpdateStage.COMPLETED).build(),
        new WithStartWorkflowOperation<>(task::run, request));
  }

  static ToolCall scale(String name, int replicas) {
    return new ToolCall(
        "k8s.scale",
        Map.of("namespace", "shop", "kind", "Deployment", "name", name, "replicas", replicas));
  }

  static ToolCall setImage(String name, String image) {
    return new ToolCall(
        "k8s.set-image",
        Map.of("namespace", "shop", "kind", "Deployment", "name", name, "image", image));
  }

  static ToolCall get(String name) {
    return new ToolCall("k8s.get", Map.of("namespace", "shop", "kind", "Deployment", "name", name));
  }

  static String workflowId(AgentTask task) {
    return WorkflowStub.fromTyped(task).getExecution().getWorkflowId();
  }

  /**
   * Waits for the task to close without getResult: a blocking getResult lets the test server skip
   * time to the next timer of any workflow, and a jump of years expires the next task's proofs.
   */
  static void awaitClosed(AgentTask task) {
    WorkflowStub stub = WorkflowStub.fromTyped(task);
    await()
        .atMost(Duration.ofSeconds(10))
        .untilAsserted(
            () ->
                assertThat(stub.describe().getStatus())
                    .isNotEqualTo(WorkflowExecutionStatus.WORKFLOW_EXECUTION_STATUS_RUNNING));
  }

  /** An approval proven by the test issuer's signed token, as the Interlock API would send it. */
  static void approve(AgentTask task, StepView step, String approver) {
    task.approve(TestIdentities.approval(task, step, approver, "ok", null));
  }

  /** Polls the status query (real time, no skipping) until the step matches. */
  static StepView awaitStep(AgentTask task, String stepId, Predicate<StepView> done) {
    return await("step " + stepId + " in the expected state")
        .atMost(Duration.ofSeconds(30))
        .pollInterval(Duration.ofMillis(50))
        .until(() -> step(task.status(), stepId), s -> s != null && done.test(s));
  }

  static StepView awaitState(AgentTask task, String stepId, StepState state) {
    return awaitStep(task, stepId, s -> s.state() == state);
  }

  static StepView step(TaskView view, String stepId) {
    return view.steps().stream().filter(s -> s.stepId().equals(stepId)).findFirst().orElse(null);
  }

  int replicas(String name) {
    return cluster
        .client()
        .apps()
        .deployments()
        .inNamespace("shop")
        .withName(name)
        .get()
        .getSpec()
        .getReplicas();
  }

  String image(String name) {
    return cluster
        .client()
        .apps()
        .deployments()
        .inNamespace("shop")
        .withName(name)
        .get()
        .getSpec()
        .getTemplate()
        .getSpec()
        .getContainers()
        .get(0)
        .getImage();
  }

  /** Mutating requests the API server persisted, from anyone but the simulator's own controller. */
  long mutations() {
    return cluster.mutations();
  }

  void assertMutations(long expected) {
    assertThat(cluster.mutations())
        .as("mutating requests persisted: %s", cluster.mutationLog())
        .isEqualTo(expected);
  }

  /** Checks that an assertion keeps holding for a while (nothing late changes the answer). */
  static void stillHolds(Runnable assertion) {
    await()
        .during(Duration.ofMillis(300))
        .atMost(Duration.ofSeconds(10))
        .untilAsserted(assertion::run);
  }

  /**
   * Puts {@code value} in the workers' store under {@code key}; returns the reference a call
   * carries instead.
   */
  Map<String, Object> secretRef(String key, String value) {
    try {
      Files.writeString(secretStore.resolve(key), value);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    return Map.of("valueFrom", Map.of("secretRef", Map.of("store", SECRET_STORE, "key", key)));
  }

  @Override
  public void close() {
    env.close();
    verifications.close();
    cluster.close();
    try (var files = Files.walk(secretStore)) {
      files.sorted(java.util.Comparator.reverseOrder()).forEach(f -> f.toFile().delete());
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }
}
