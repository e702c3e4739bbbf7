package io.interlock.activities.k8s.write;

/** k8s.cordon: marks a Node unschedulable. */
public final class CordonTool extends NodeScheduling {
  @Override
  public String name() {
    return "k8s.cordon";
  }

  @Override
  public String description() {
    return "Mark a Node unschedulable (kubectl cordon); running pods are not evicted.";
  }

  @Override
  protected boolean unschedulable() {
    return true;
  }

  @Override
  protected String inverse() {
    return "k8s.uncordon";
  }
}
