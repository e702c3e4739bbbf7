package io.interlock.gate;

import io.fabric8.kubernetes.client.KubernetesClient;
import io.interlock.activities.LookActivitiesImpl;
import io.interlock.activities.ServedEnvironments;
import io.interlock.activities.ToolActivitiesImpl;
import io.interlock.activities.k8s.KubernetesCatalog;
import io.interlock.activities.policy.LockReader;
import io.interlock.activities.policy.PolicyActivitiesImpl;
import io.interlock.activities.policy.PolicyFile;
import io.interlock.activities.policy.SelfSubjectAccessReviewer;
import io.interlock.activities.secrets.DigestKey;
import io.interlock.activities.secrets.SecretStores;
import io.interlock.activities.tools.ToolContext;
import io.interlock.contract.commands.TaskRequest;
import io.interlock.contract.commands.ToolCall;
import io.interlock.workflows.AgentTask;
import io.interlock.workflows.AgentTaskOptions;
import io.interlock.workflows.TaskSearchAttributes;
import io.interlock.workflows.gate.AgentTaskImpl;
import io.interlock.workflows.lock.EnvironmentLockImpl;
import io.interlock.workflows.proof.Statement;
import io.temporal.api.enums.v1.IndexedValueType;
import io.temporal.client.WorkflowClient;
import io.temporal.client.WorkflowClientOptions;
import io.temporal.client.WorkflowOptions;
import io.temporal.testing.TestEnvironmentOptions;
import io.temporal.testing.TestWorkflowEnvironment;
import io.temporal.worker.Worker;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.List;
import java.util.Map;
import java.util.UUID;

/**
 * The gate as a worker in a cluster runs it: the AgentTask workflow (Temporal test server), and one
 * environment's real tool and policy activities holding only {@code cluster} — a client with the
 * worker ServiceAccount's token — for both the writes and the access reviews.
 */
final class RealServerGate implements AutoCloseable {
  final TestWorkflowEnvironment env;
  private final String environment;

  RealServerGate(Path policyFile, String environment, KubernetesClient cluster) {
    this.environment = environment;
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
    Worker control = env.newWorker(AgentTask.TASK_QUEUE);
    control.registerWorkflowImplementationTypes(
        AgentTaskOptions.implementation(), AgentTaskImpl.class, EnvironmentLockImpl.class);
    Worker w = env.newWorker(AgentTask.environmentQueue(environment));
    ToolContext ctx =
        new ToolContext(
            environment,
            cluster,
            Clock.systemUTC(),
            Duration.ofMillis(200),
            SecretStores.of(Map.of()),
            DigestKey.ephemeral());
    // As WorkerBootstrap registers them: the tools, the policy and the first hop over both.
    ToolActivitiesImpl tools = new ToolActivitiesImpl(KubernetesCatalog.registry(), ctx);
    PolicyActivitiesImpl policy =
        new PolicyActivitiesImpl(
            PolicyFile.load(TestIdentities.policyWithIdentities(policyFile)),
            environment,
            Clock.systemUTC(),
            LockReader.temporal(env.getWorkflowClient()),
            new SelfSubjectAccessReviewer(cluster));
    LookActivitiesImpl look = new LookActivitiesImpl(tools, policy);
    w.registerActivitiesImplementations(tools, policy, look);
    control.registerActivitiesImplementations(
        new RecordingInbox(),
        new ServedEnvironments(Map.of(environment, new ServedEnvironments.Served(look, policy))));
    env.start();
  }

  /** A task of {@code requester} with no steps yet, its requester proven by the test issuer. */
  AgentTask start(String requester) {
    String workflowId = "real-server-" + UUID.randomUUID();
    Instant now = Instant.now().truncatedTo(ChronoUnit.SECONDS);
    TaskRequest request =
        new TaskRequest(requester, environment, "real server gate test", List.<ToolCall>of())
            .withRequesterProof(
                TestIdentities.jws(
                    Statement.request(
                        workflowId,
                        requester,
                        environment,
                        now.toString(),
                        now.plusSeconds(600).toString())));
    WorkflowClient client = env.getWorkflowClient();
    AgentTask task =
        client.newWorkflowStub(
            AgentTask.class,
            WorkflowOptions.newBuilder()
                .setTaskQueue(AgentTask.TASK_QUEUE)
                .setWorkflowId(workflowId)
                .build());
    WorkflowClient.start(task::run, request);
    return task;
  }

  @Override
  public void close() {
    env.close();
  }
}
