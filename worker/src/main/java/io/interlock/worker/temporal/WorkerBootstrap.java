package io.interlock.worker.temporal;

import io.fabric8.kubernetes.client.KubernetesClient;
import io.interlock.activities.LookActivitiesImpl;
import io.interlock.activities.ServedEnvironments;
import io.interlock.activities.ToolActivitiesImpl;
import io.interlock.activities.k8s.KubernetesCatalog;
import io.interlock.activities.policy.LockReader;
import io.interlock.activities.policy.PolicyActivitiesImpl;
import io.interlock.activities.policy.SelfSubjectAccessReviewer;
import io.interlock.activities.tools.ToolContext;
import io.interlock.activities.tools.ToolRegistry;
import io.interlock.activities.verify.VerificationPool;
import io.interlock.worker.config.InterlockConfig;
import io.interlock.worker.environments.ClusterClients;
import io.interlock.worker.environments.PolicyView;
import io.interlock.worker.environments.WorkerSecrets;
import io.interlock.worker.inbox.ApprovalNotifier;
import io.interlock.worker.inbox.InboxActivitiesImpl;
import io.interlock.worker.inbox.InboxRebuild;
import io.interlock.worker.inbox.PendingIndex;
import io.interlock.worker.tasks.TaskIndex;
import io.interlock.workflows.AgentTask;
import io.interlock.workflows.AgentTaskOptions;
import io.interlock.workflows.gate.AgentTaskImpl;
import io.interlock.workflows.lock.EnvironmentLockImpl;
import io.interlock.workflows.proof.ProofSigner;
import io.quarkus.runtime.ShutdownEvent;
import io.quarkus.runtime.StartupEvent;
import io.temporal.client.WorkflowClient;
import io.temporal.worker.Worker;
import io.temporal.worker.WorkerFactory;
import io.temporal.worker.WorkerFactoryOptions;
import jakarta.annotation.Priority;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;
import java.time.Clock;
import java.util.HashMap;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.jboss.logging.Logger;

/**
 * Starts the workers when the application starts: {@code interlock-tasks} (the AgentTask and
 * EnvironmentLock workflows, the inbox activity) and one {@code interlock-env-<E>} worker per
 * served environment with that environment's tools and policy, bound to its client only.
 */
@ApplicationScoped
public class WorkerBootstrap {
  private static final Logger LOG = Logger.getLogger(WorkerBootstrap.class);

  /** The SDK's default; a cached task parks two (its main one and its audit writer). */
  private static final int DEFAULT_WORKFLOW_THREADS = 600;

  private final InterlockConfig config;
  private final WorkflowClient client;
  private final PolicyView policy;
  private final ClusterClients clusters;
  private final PendingIndex pending;
  private final TaskIndex tasks;
  private final ApprovalNotifier notifier;
  private final SearchAttributeRegistration searchAttributes;
  private final InboxRebuild rebuild;
  private final WorkerSecrets secrets;
  private final ToolRegistry registry = KubernetesCatalog.registry();
  private WorkerFactory factory;
  private VerificationPool verifications;

  public WorkerBootstrap(
      InterlockConfig config,
      WorkflowClient client,
      PolicyView policy,
      ClusterClients clusters,
      PendingIndex pending,
      TaskIndex tasks,
      ApprovalNotifier notifier,
      SearchAttributeRegistration searchAttributes,
      InboxRebuild rebuild,
      WorkerSecrets secrets) {
    this.config = config;
    this.client = client;
    this.policy = policy;
    this.clusters = clusters;
    this.pending = pending;
    this.tasks = tasks;
    this.notifier = notifier;
    this.searchAttributes = searchAttributes;
    this.rebuild = rebuild;
    this.secrets = secrets;
  }

  /** The catalog every environment worker serves (one registry, read-only). */
  public ToolRegistry registry() {
    return registry;
  }

  void start(@Observes @Priority(100) StartupEvent event) {
    // Every role signs or verifies proofs: the faster Ed25519 is ready before the first task.
    ProofSigner.prepare();
    boolean api = config.roles().contains(InterlockConfig.Role.api);
    if (api) {
      searchAttributes.register();
    }
    int cache = config.temporal().workflowCache();
    factory =
        WorkerFactory.newInstance(
            client,
            WorkerFactoryOptions.newBuilder()
                .setWorkflowCacheSize(cache)
                .setMaxWorkflowThreadCount(Math.max(DEFAULT_WORKFLOW_THREADS, 2 * cache))
                .build());
    // Every environment's verifications share a few observer threads; waiting holds none.
    verifications =
        new VerificationPool(client.newActivityCompletionClient(), Clock.systemUTC(), 16);
    Map<String, ServedEnvironments.Served> served = new HashMap<>();
    for (String env : policy.served()) {
      KubernetesClient k8s = clusters.of(env);
      Worker w = factory.newWorker(AgentTask.environmentQueue(env));
      ToolActivitiesImpl tools =
          new ToolActivitiesImpl(
              registry,
              new ToolContext(
                  env,
                  k8s,
                  Clock.systemUTC(),
                  config.verifyPollInterval(),
                  secrets.stores(),
                  secrets.digestKey()),
              verifications);
      PolicyActivitiesImpl envPolicy =
          new PolicyActivitiesImpl(
              policy.file(),
              env,
              Clock.systemUTC(),
              LockReader.temporal(client),
              new SelfSubjectAccessReviewer(k8s));
      LookActivitiesImpl look = new LookActivitiesImpl(tools, envPolicy);
      w.registerActivitiesImplementations(tools, envPolicy, look);
      served.put(env, new ServedEnvironments.Served(look, envPolicy));
      LOG.infof(
          "serving environment %s on %s (%s)",
          env, AgentTask.environmentQueue(env), clusters.describe(env));
    }
    if (api) {
      // The workflows and the inbox run beside the API: the inbox index is this process's memory.
      Worker control = factory.newWorker(AgentTask.TASK_QUEUE);
      control.registerWorkflowImplementationTypes(
          AgentTaskOptions.implementation(), AgentTaskImpl.class, EnvironmentLockImpl.class);
      // Local activities of the workflows here: the inbox's notices, and the looks and policy
      // checks
      // of the environments this process serves.
      control.registerActivitiesImplementations(
          new InboxActivitiesImpl(pending, tasks, notifier), new ServedEnvironments(served));
    }
    LOG.infof("roles %s", config.roles());
    factory.start();
    if (api) {
      rebuild.rebuild();
    }
  }

  void stop(@Observes ShutdownEvent event) {
    if (factory != null) {
      factory.shutdown();
      factory.awaitTermination(10, TimeUnit.SECONDS);
    }
    if (verifications != null) {
      verifications.close();
    }
  }
}
