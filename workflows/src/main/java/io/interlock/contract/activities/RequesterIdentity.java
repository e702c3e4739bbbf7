package io.interlock.contract.activities;

import io.interlock.contract.values.ProofVerdict;

/**
 * The requester as policy sees it.
 *
 * @param mode {@code required}: an unproven requester may not run anything; {@code claimed}: the
 *     name is accepted and shown as an unverified claim
 * @param verdict what the proof showed (kind {@code claim} when none was sent)
 * @param policyVersion the policy that decided
 */
public record RequesterIdentity(String mode, ProofVerdict verdict, String policyVersion) {
  public boolean accepted() {
    return verdict != null
        && (verdict.verified() || ("claimed".equals(mode) && "claim".equals(verdict.kind())));
  }
}
