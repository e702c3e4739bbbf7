package io.interlock.contract.values;

import java.util.List;
import java.util.Map;

/**
 * The keys a proof is checked against, handed to the workflow with the policy decision so that
 * verification is deterministic (and replays) and no key is ever fetched inside the workflow.
 *
 * @param mode {@code required} (default: a name alone proves nothing) or {@code claimed} (insecure,
 *     sandbox only: a name is accepted and shown as an unverified claim)
 * @param sshKeys identity to its SSH public keys, one {@code "<type> <base64> [comment]"} each
 * @param issuers trusted issuer name to its public keys, each a JWK in JSON
 * @param maxProofSeconds longest a proof may be valid ({@code expiresAt - issuedAt})
 * @param batch what one batch statement may decide here (absent in older histories: the default)
 */
public record ProofPolicy(
    String mode,
    Map<String, List<String>> sshKeys,
    Map<String, List<String>> issuers,
    long maxProofSeconds,
    BatchPolicy batch) {
  public static final String REQUIRED = "required";
  public static final String CLAIMED = "claimed";
  public static final long DEFAULT_MAX_PROOF_SECONDS = 3600;

  public ProofPolicy {
    mode = mode == null ? REQUIRED : mode;
    sshKeys = sshKeys == null ? Map.of() : Map.copyOf(sshKeys);
    issuers = issuers == null ? Map.of() : Map.copyOf(issuers);
    maxProofSeconds = maxProofSeconds <= 0 ? DEFAULT_MAX_PROOF_SECONDS : maxProofSeconds;
    batch = batch == null ? BatchPolicy.DEFAULT : batch;
  }

  public ProofPolicy(
      String mode,
      Map<String, List<String>> sshKeys,
      Map<String, List<String>> issuers,
      long maxProofSeconds) {
    this(mode, sshKeys, issuers, maxProofSeconds, null);
  }

  /** The same keys with the environment's batch rules. */
  public ProofPolicy withBatch(BatchPolicy rules) {
    return new ProofPolicy(mode, sshKeys, issuers, maxProofSeconds, rules);
  }

  public boolean claimsAccepted() {
    return CLAIMED.equals(mode);
  }

  /** Keys of these identities only, so a decision never carries the whole directory. */
  public ProofPolicy forIdentities(java.util.Collection<String> identities) {
    Map<String, List<String>> keys = new java.util.TreeMap<>();
    for (String id : identities) {
      List<String> k = sshKeys.get(id);
      if (k != null) {
        keys.put(id, k);
      }
    }
    return new ProofPolicy(mode, keys, issuers, maxProofSeconds, batch);
  }
}
