package io.interlock.worker.audit;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.interlock.contract.values.ApprovalProof;
import io.interlock.contract.values.ProofPolicy;
import io.interlock.contract.values.ProofVerdict;
import io.interlock.workflows.proof.BatchStatement;
import io.interlock.workflows.proof.ProofVerifier;
import io.interlock.workflows.proof.Statement;
import java.io.IOException;
import java.time.Instant;
import java.time.format.DateTimeParseException;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;
import org.jose4j.jwa.AlgorithmConstraints;
import org.jose4j.jwk.PublicJsonWebKey;
import org.jose4j.jws.JsonWebSignature;

/**
 * Offline verification of an exported report, with nothing but the file, the audit public key and
 * the policy's identity keys: (a) the report's signature, (b) its hash chain, (c) the proof of
 * every accepted approval and rejection, re-verified from the payload the Temporal server recorded.
 */
public final class AuditVerification {
  private static final ObjectMapper JSON = new ObjectMapper();

  private static final Set<String> SIGNATURE_FIELDS =
      Set.of("alg", "keyId", "signedAt", "head", "jws");

  private AuditVerification() {}

  /** How the signature check came out. */
  public enum SignatureStatus {
    OK,
    UNSIGNED,
    FAILED
  }

  /** How one decision's proof came out. */
  public enum ProofStatus {
    VERIFIED,
    CLAIM,
    FAILED
  }

  /**
   * @param keyId the key that verified it (OK), or that the report names (otherwise)
   * @param problem what is wrong (FAILED), or why it counts as unsigned
   */
  public record SignatureFinding(
      SignatureStatus status, String alg, String keyId, String signedAt, String problem) {
    public String line() {
      return switch (status) {
        case OK -> "signature: OK (" + alg + ", key " + keyId + ", signed " + signedAt + ")";
        case UNSIGNED -> "signature: UNSIGNED (" + problem + ")";
        case FAILED -> "signature: FAILED (" + problem + ")";
      };
    }
  }

  /**
   * One accepted approval or rejection.
   *
   * @param label "verified (ssh-ed25519 SHA256:…)", "verified (issuer x)", "unverified claim", or
   *     what is wrong
   * @param statementDigest the digest of the statement rebuilt from the recorded payload (null when
   *     it could not be rebuilt, or for a claim)
   */
  public record ProofFinding(
      String stepId,
      String decision,
      String approver,
      String at,
      ProofStatus status,
      String label,
      String statementDigest) {
    public String line() {
      return "step "
          + stepId
          + " "
          + decision
          + " by "
          + approver
          + " at "
          + at
          + ": "
          + (status == ProofStatus.FAILED ? "NOT VERIFIED: " : "")
          + label;
    }
  }

  /** Everything found; {@link #ok()} when the report can be trusted as exported. */
  public record Findings(
      SignatureFinding signature,
      HashChain.Result chain,
      List<ProofFinding> proofs,
      boolean allowUnsigned) {
    public boolean signatureOk() {
      return signature.status() == SignatureStatus.OK
          || (allowUnsigned && signature.status() == SignatureStatus.UNSIGNED);
    }

    public boolean proofsOk() {
      return proofs.stream().noneMatch(p -> p.status() == ProofStatus.FAILED);
    }

    public boolean ok() {
      return signatureOk() && chain.intact() && proofsOk();
    }

    public long count(ProofStatus status) {
      return proofs.stream().filter(p -> p.status() == status).count();
    }
  }

  /**
   * Checks a report.
   *
   * @param auditKeys public keys the signature may verify with (empty: a signed report fails)
   * @param identityKeys the policy's users' and issuers' keys ({@code
   *     identities().resolve("required")})
   * @param allowUnsigned whether an unsigned report passes (it is still reported UNSIGNED)
   */
  public static Findings check(
      JsonNode report,
      List<PublicJsonWebKey> auditKeys,
      ProofPolicy identityKeys,
      boolean allowUnsigned) {
    return new Findings(
        signature(report, auditKeys),
        HashChain.verify(report),
        proofs(report, identityKeys),
        allowUnsigned);
  }

  // ------------------------------------------------------------------------------------------------
  // (a) the signature

  public static SignatureFinding signature(JsonNode report, List<PublicJsonWebKey> auditKeys) {
    JsonNode s = report.get("signature");
    if (s == null || s.isNull()) {
      return new SignatureFinding(
          SignatureStatus.UNSIGNED,
          null,
          null,
          null,
          "no signature: exported without an audit signing key; only the hash chain vouches for it");
    }
    if (!s.isObject()) {
      return failed(null, null, "signature is not an object");
    }
    String alg = s.path("alg").asText("");
    String keyId = s.path("keyId").asText(null);
    for (Iterator<String> it = s.fieldNames(); it.hasNext(); ) {
      String f = it.next();
      if (!SIGNATURE_FIELDS.contains(f)) {
        return failed(alg, keyId, "unexpected field signature." + f);
      }
    }
    if (!AuditSigner.ALGORITHMS.contains(alg)) {
      return failed(
          alg,
          keyId,
          "alg '" + alg + "' is not accepted (only " + new TreeSet<>(AuditSigner.ALGORITHMS) + ")");
    }
    String token = s.path("jws").asText("");
    JsonWebSignature parsed = new JsonWebSignature();
    String headerAlg;
    String headerKid;
    try {
      parsed.setCompactSerialization(token);
      headerAlg = parsed.getAlgorithmHeaderValue();
      headerKid = parsed.getKeyIdHeaderValue();
    } catch (Exception e) {
      return failed(alg, keyId, "signature.jws is not a compact JWS");
    }
    if (headerAlg == null || !AuditSigner.ALGORITHMS.contains(headerAlg)) {
      return failed(
          alg,
          keyId,
          "the JWS alg '"
              + headerAlg
              + "' is not accepted (only "
              + new TreeSet<>(AuditSigner.ALGORITHMS)
              + ")");
    }
    if (!headerAlg.equals(alg)) {
      return failed(alg, keyId, "signature.alg says " + alg + " but the JWS is " + headerAlg);
    }
    if (keyId != null && headerKid != null && !keyId.equals(headerKid)) {
      return failed(
          alg, keyId, "signature.keyId says " + keyId + " but the JWS names key " + headerKid);
    }
    if (auditKeys.isEmpty()) {
      return failed(alg, keyId, "no audit public key to check it with (--audit-key FILE)");
    }
    PublicJsonWebKey by = null;
    for (PublicJsonWebKey k : auditKeys) {
      if (verifies(token, k)) {
        by = k;
        break;
      }
    }
    if (by == null) {
      List<String> ids = auditKeys.stream().map(AuditSigner::keyId).toList();
      return failed(
          alg,
          keyId,
          "the JWS (key " + headerKid + ") does not verify with the audit key(s) " + ids);
    }
    JsonNode claims;
    try {
      claims = JSON.readTree(parsed.getUnverifiedPayload());
    } catch (IOException | RuntimeException e) {
      return failed(alg, keyId, "the signed payload is not JSON");
    }
    String digest = AuditSigner.digest(report);
    if (!digest.equals(claims.path("report").asText())) {
      return failed(
          alg,
          keyId,
          "the report was changed after it was signed: it hashes to "
              + digest
              + ", the signature covers "
              + claims.path("report").asText("nothing"));
    }
    String head = report.path("chain").path("head").asText(null);
    if (claims.has("head") && !claims.path("head").asText().equals(head)) {
      return failed(
          alg,
          keyId,
          "the signed chain head " + claims.path("head").asText() + " is not the report's " + head);
    }
    if (s.has("head") && !s.path("head").asText().equals(claims.path("head").asText(head))) {
      return failed(
          alg, keyId, "signature.head " + s.path("head").asText() + " is not the signed head");
    }
    if (!claims.path("iat").canConvertToLong()) {
      return failed(alg, keyId, "the signed payload has no iat");
    }
    String signedAt = Instant.ofEpochSecond(claims.path("iat").asLong()).toString();
    if (s.has("signedAt") && !s.path("signedAt").asText().equals(signedAt)) {
      return failed(
          alg,
          keyId,
          "signature.signedAt "
              + s.path("signedAt").asText()
              + " is not the signed time "
              + signedAt);
    }
    return new SignatureFinding(SignatureStatus.OK, alg, AuditSigner.keyId(by), signedAt, null);
  }

  private static boolean verifies(String token, PublicJsonWebKey key) {
    try {
      JsonWebSignature jws = new JsonWebSignature();
      jws.setAlgorithmConstraints(
          new AlgorithmConstraints(
              AlgorithmConstraints.ConstraintType.PERMIT,
              AuditSigner.ALGORITHMS.toArray(String[]::new)));
      jws.setCompactSerialization(token);
      jws.setKey(key.getPublicKey());
      return jws.verifySignature();
    } catch (Exception e) {
      return false; // wrong key type for the alg, a disallowed alg, a malformed signature
    }
  }

  private static SignatureFinding failed(String alg, String keyId, String problem) {
    return new SignatureFinding(SignatureStatus.FAILED, alg, keyId, null, problem);
  }

  // ------------------------------------------------------------------------------------------------
  // (c) the proofs

  /** Every accepted approval and rejection in the report's step records, in report order. */
  public static List<ProofFinding> proofs(JsonNode report, ProofPolicy identityKeys) {
    List<ProofFinding> out = new ArrayList<>();
    JsonNode entries = report.path("entries");
    String task = entries.path(0).path("detail").path("runs").path(0).asText(null);
    for (JsonNode e : entries) {
      if (!"STEP".equals(e.path("kind").asText())) {
        continue;
      }
      for (JsonNode a : e.path("detail").path("approvals")) {
        if ("accepted".equals(a.path("outcome").asText())) {
          out.add(proof(task, e.path("stepId").asText(), a, identityKeys));
        }
      }
    }
    return out;
  }

  private static ProofFinding proof(String task, String stepId, JsonNode a, ProofPolicy keys) {
    String decision = a.path("decision").asText("?");
    String approver = a.path("approver").asText("?");
    String at = a.path("at").asText("?");
    JsonNode payload = a.path("payload");
    JsonNode recorded = a.path("proof");
    JsonNode sent = payload.path("proof");
    boolean hasProof = sent.isObject();
    if (ProofVerdict.CLAIM.equals(recorded.path("kind").asText()) && !hasProof) {
      return new ProofFinding(
          stepId, decision, approver, at, ProofStatus.CLAIM, "unverified claim", null);
    }
    if (task == null) {
      return failure(
          stepId,
          decision,
          approver,
          at,
          "the report names no run, so the statement's task is unknown");
    }
    if (!payload.isObject()) {
      return failure(
          stepId,
          decision,
          approver,
          at,
          "no signal or update payload recorded to rebuild the statement from");
    }
    if (!hasProof) {
      return failure(
          stepId,
          decision,
          approver,
          at,
          recorded.isObject()
              ? "the recorded payload carries no proof, but the workflow recorded "
                  + recorded.path("kind").asText()
              : "no proof recorded (an approval accepted without one)");
    }
    if (ProofVerdict.CLAIM.equals(recorded.path("kind").asText())) {
      return failure(
          stepId,
          decision,
          approver,
          at,
          "recorded as an unverified claim, yet the payload carries a proof");
    }
    long atMillis;
    try {
      atMillis = Instant.parse(at).toEpochMilli();
    } catch (DateTimeParseException e) {
      return failure(stepId, decision, approver, at, "the decision's time is not an instant");
    }
    if (!"approve".equals(decision) && !"reject".equals(decision)) {
      return failure(stepId, decision, approver, at, "unknown decision '" + decision + "'");
    }
    boolean approve = "approve".equals(decision);
    if (payload.has("statement")) {
      return batchProof(task, stepId, a, decision, approver, at, atMillis, keys);
    }
    if (payload.has("approve") && payload.path("approve").asBoolean() != approve) {
      return failure(
          stepId, decision, approver, at, "the payload's decision is not the recorded one");
    }
    String text =
        approve
            ? text(payload, "comment")
            : text(payload, payload.has("reason") ? "reason" : "comment");
    Statement statement =
        Statement.decision(
            task,
            text(payload, "stepId"),
            text(payload, "callHash"),
            text(payload, "approver"),
            approve,
            text,
            approve ? text(payload, "breakGlass") : null,
            text(sent, "issuedAt"),
            text(sent, "expiresAt"));
    ApprovalProof proof =
        new ApprovalProof(
            text(sent, "kind"),
            text(sent, "signature"),
            text(sent, "token"),
            text(sent, "issuedAt"),
            text(sent, "expiresAt"));
    ProofVerdict v;
    try {
      v = ProofVerifier.verify(proof, statement, keys, atMillis, 0);
    } catch (RuntimeException ex) {
      v =
          ProofVerdict.refused(
              proof.kind(), statement.digest(), "the proof cannot be checked: " + ex.getMessage());
    }
    if (!v.verified()) {
      return new ProofFinding(
          stepId,
          decision,
          approver,
          at,
          ProofStatus.FAILED,
          v.problem() == null ? v.label() : v.problem(),
          statement.digest());
    }
    return new ProofFinding(
        stepId, decision, approver, at, ProofStatus.VERIFIED, v.label(), statement.digest());
  }

  /**
   * A decision from a batch statement: the statement must list this task's step with the recorded
   * hash and approver, and the one proof must cover the whole statement.
   */
  private static ProofFinding batchProof(
      String task,
      String stepId,
      JsonNode a,
      String decision,
      String approver,
      String at,
      long atMillis,
      ProofPolicy keys) {
    BatchStatement st;
    try {
      st = JSON.treeToValue(a.path("payload").path("statement"), BatchStatement.class);
    } catch (Exception e) {
      return failure(stepId, decision, approver, at, "the batch statement does not parse");
    }
    if (st == null || st.problem() != null) {
      return failure(stepId, decision, approver, at, "the batch statement is malformed");
    }
    String callHash = text(a, "callHash");
    boolean listed =
        st.entries().stream()
            .anyMatch(
                e ->
                    e.task().equals(task)
                        && e.stepId().equals(stepId)
                        && e.callHash().equals(callHash));
    if (!listed || !st.approver().equals(approver) || !st.decision().equals(decision)) {
      return failure(
          stepId,
          decision,
          approver,
          at,
          "batch " + st.digest() + " does not list this step with its hash, approver and decision");
    }
    JsonNode sent = a.path("payload").path("proof");
    ApprovalProof proof =
        new ApprovalProof(
            text(sent, "kind"),
            text(sent, "signature"),
            text(sent, "token"),
            text(sent, "issuedAt"),
            text(sent, "expiresAt"));
    ProofVerdict v = ProofVerifier.verify(proof, st.statement(), keys, atMillis, 0);
    return v.verified()
        ? new ProofFinding(
            stepId, decision, approver, at, ProofStatus.VERIFIED, v.label(), st.digest())
        : new ProofFinding(
            stepId, decision, approver, at, ProofStatus.FAILED, v.problem(), st.digest());
  }

  private static String text(JsonNode n, String field) {
    JsonNode v = n.path(field);
    return v.isValueNode() && !v.isNull() ? v.asText() : null;
  }

  private static ProofFinding failure(
      String stepId, String decision, String approver, String at, String why) {
    return new ProofFinding(stepId, decision, approver, at, ProofStatus.FAILED, why, null);
  }
}
