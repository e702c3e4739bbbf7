/**
 * The Kubernetes tool catalog on fabric8 ({@link io.interlock.activities.k8s.KubernetesCatalog}).
 *
 * <p>Reads ({@code k8s.get k8s.list k8s.describe k8s.logs k8s.events k8s.rollout-status
 * k8s.rollout-history k8s.diff}) are redacted ({@link io.interlock.activities.k8s.Redaction}) and
 * bounded ({@link io.interlock.activities.k8s.Bounded}). Writes ({@code k8s.apply k8s.patch
 * k8s.scale k8s.set-image k8s.rollout-restart k8s.rollout-undo k8s.delete k8s.cordon k8s.uncordon})
 * preview by server-side dry-run with a unified YAML diff, execute with the approved
 * uid/resourceVersion as preconditions (server-side apply as field manager {@code interlock} for
 * apply), observe with kubectl's rollout-status rules ({@link
 * io.interlock.activities.k8s.verify.RolloutStatus}) plus pod evidence, and build their rollback
 * from the captured before-state.
 */
package io.interlock.activities.k8s;
