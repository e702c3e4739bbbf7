package io.interlock.activities;

import com.fasterxml.jackson.databind.JsonNode;
import io.fabric8.kubernetes.client.KubernetesClientException;
import io.interlock.activities.k8s.ApiErrors;
import io.interlock.activities.tools.Observation;
import io.interlock.activities.tools.ReadTool;
import io.interlock.activities.tools.Tool;
import io.interlock.activities.tools.ToolArgs;
import io.interlock.activities.tools.ToolContext;
import io.interlock.activities.tools.ToolException;
import io.interlock.activities.tools.ToolRegistry;
import io.interlock.activities.tools.WriteTool;
import io.interlock.activities.verify.VerificationLoop;
import io.interlock.activities.verify.VerificationPool;
import io.interlock.contract.activities.ExecuteRequest;
import io.interlock.contract.activities.Execution;
import io.interlock.contract.activities.ResolvedCall;
import io.interlock.contract.activities.RollbackPlan;
import io.interlock.contract.activities.RollbackRequest;
import io.interlock.contract.activities.ToolActivities;
import io.interlock.contract.activities.VerifyRequest;
import io.interlock.contract.commands.ToolCall;
import io.interlock.contract.values.FailureType;
import io.interlock.contract.values.Preview;
import io.interlock.contract.values.Verification;
import io.temporal.activity.Activity;
import io.temporal.failure.ApplicationFailure;
import java.time.Duration;
import java.util.List;
import java.util.function.Supplier;

/**
 * Tool side effects for one environment. One instance is registered per environment queue, bound to
 * that environment's client only.
 */
public final class ToolActivitiesImpl implements ToolActivities {
  private final ToolRegistry registry;
  private final ToolContext ctx;
  private final VerificationPool verifications;

  /** Verifies on the activity's own thread, sleeping between polls (tests, small setups). */
  public ToolActivitiesImpl(ToolRegistry registry, ToolContext ctx) {
    this(registry, ctx, null);
  }

  /** Verifies on the shared pool: a verifying step holds no thread while it waits. */
  public ToolActivitiesImpl(
      ToolRegistry registry, ToolContext ctx, VerificationPool verifications) {
    this.registry = registry;
    this.ctx = ctx;
    this.verifications = verifications;
  }

  @Override
  public ResolvedCall resolve(String environment, ToolCall call) {
    return guarded(environment, call, () -> registry.resolve(call));
  }

  @Override
  public JsonNode read(String environment, ToolCall call) {
    return guarded(
        environment,
        call,
        () -> {
          if (!(tool(call) instanceof ReadTool read)) {
            throw new ToolException(
                FailureType.WRONG_EFFECT,
                call.tool() + " is a WRITE; it runs only through the approval gate");
          }
          return read.read(ctx, args(call));
        });
  }

  @Override
  public Preview preview(String environment, ToolCall call) {
    return guarded(environment, call, () -> write(call).preview(ctx, args(call)));
  }

  @Override
  public Execution execute(ExecuteRequest request) {
    return guarded(
        request.environment(),
        request.call(),
        () ->
            write(request.call())
                .execute(ctx, args(request.call()), request.approvedTarget(), request.callHash()));
  }

  @Override
  public Verification verify(VerifyRequest request) {
    return guarded(
        request.environment(),
        request.call(),
        () -> {
          WriteTool tool = write(request.call());
          ToolArgs args = args(request.call());
          long budget =
              request.budgetSeconds() > 0
                  ? request.budgetSeconds()
                  : tool.defaultBudgetSeconds(ctx, args);
          Supplier<Observation> observe = () -> tool.observe(ctx, args, request.execution());
          if (verifications != null) {
            return verifications.start(Duration.ofSeconds(budget), ctx.pollInterval(), observe);
          }
          return new VerificationLoop(ctx.clock(), ctx.pollInterval(), ActivityHeartbeat::beat)
              .run(Duration.ofSeconds(budget), observe);
        });
  }

  @Override
  public RollbackPlan planRollback(RollbackRequest request) {
    return guarded(
        request.environment(),
        request.call(),
        () -> write(request.call()).rollback(args(request.call()), request.execution()));
  }

  private Tool tool(ToolCall call) {
    return registry
        .find(call.tool())
        .orElseThrow(
            () ->
                new ToolException(
                    FailureType.UNKNOWN_TOOL, "tool '" + call.tool() + "' is not in the catalog"));
  }

  private WriteTool write(ToolCall call) {
    if (!(tool(call) instanceof WriteTool w)) {
      throw new ToolException(FailureType.WRONG_EFFECT, call.tool() + " is a READ, not a write");
    }
    return w;
  }

  private ToolArgs args(ToolCall call) {
    tool(call);
    List<String> problems = registry.resolve(call).problems();
    if (!problems.isEmpty()) {
      throw new ToolException(FailureType.INVALID_ARGS, String.join("; ", problems));
    }
    return new ToolArgs(call.args());
  }

  private <T> T guarded(String environment, ToolCall call, Supplier<T> body) {
    if (!ctx.environment().equals(environment)) {
      throw ApplicationFailure.newNonRetryableFailure(
          "this worker serves environment '" + ctx.environment() + "', not '" + environment + "'",
          FailureType.UNKNOWN_ENVIRONMENT.type());
    }
    try {
      return body.get();
    } catch (ToolException e) {
      throw e.toApplicationFailure();
    } catch (KubernetesClientException e) {
      // A call a tool did not wrap in ApiErrors.call: the same translation, named by the tool.
      throw ApiErrors.translate(call.tool(), e).toApplicationFailure();
    }
  }

  /** Heartbeats only when running inside an activity (the loop is also used directly in tests). */
  static final class ActivityHeartbeat {
    static void beat(int poll) {
      try {
        Activity.getExecutionContext().heartbeat(poll);
      } catch (IllegalStateException notInActivity) {
        // Called outside an activity context: nothing to heartbeat to.
      }
    }
  }
}
