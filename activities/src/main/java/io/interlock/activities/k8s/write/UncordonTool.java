package io.interlock.activities.k8s.write;

/** k8s.uncordon: marks a Node schedulable again. */
public final class UncordonTool extends NodeScheduling {
  @Override
  public String name() {
    return "k8s.uncordon";
  }

  @Override
  public String description() {
    return "Mark a Node schedulable again (kubectl uncordon).";
  }

  @Override
  protected boolean unschedulable() {
    return false;
  }

  @Override
  protected String inverse() {
    return "k8s.cordon";
  }
}
