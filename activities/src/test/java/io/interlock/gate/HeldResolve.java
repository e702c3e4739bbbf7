package io.interlock.gate;

import io.interlock.contract.activities.ResolvedCall;
import io.interlock.contract.activities.ToolActivities;
import io.interlock.contract.commands.ToolCall;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;

/** A slow worker: {@code resolve} of one tool is held until the test releases it. */
final class HeldResolve extends ForwardingToolActivities {
  private final String heldTool;
  final CountDownLatch entered = new CountDownLatch(1);
  final CountDownLatch release = new CountDownLatch(1);

  HeldResolve(ToolActivities real, String heldTool) {
    super(real);
    this.heldTool = heldTool;
  }

  @Override
  public ResolvedCall resolve(String environment, ToolCall call) {
    if (call.tool().equals(heldTool)) {
      entered.countDown();
      try {
        release.await(50, TimeUnit.SECONDS);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
      }
    }
    return real.resolve(environment, call);
  }
}
