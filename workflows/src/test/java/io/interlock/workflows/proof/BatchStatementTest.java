package io.interlock.workflows.proof;

import static org.assertj.core.api.Assertions.assertThat;

import io.interlock.contract.values.ApprovalProof;
import io.interlock.contract.values.ProofPolicy;
import io.interlock.contract.values.ProofVerdict;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

/** The batch statement: its exact signed bytes, its bounds, and one proof over all of it. */
class BatchStatementTest {
  private static final String ISSUED = "2026-11-30T19:00:00Z";
  private static final String EXPIRES = "2026-11-30T19:10:00Z";
  private static final long NOW = Instant.parse("2026-11-30T19:01:00Z").toEpochMilli();
  private static final String HASH_A = "sha256:" + "a".repeat(64);
  private static final String HASH_B = "sha256:" + "b".repeat(64);
  private static final String KEY = ProofSigner.newEd25519Jwk("k1");
  private static final ProofPolicy TRUST =
      new ProofPolicy(null, Map.of(), Map.of("idp", List.of(ProofSigner.publicJwk(KEY))), 3600);

  private static BatchStatement batch(List<BatchStatement.Entry> entries) {
    return new BatchStatement("alice", "approve", "incident 42", ISSUED, EXPIRES, entries);
  }

  private static final List<BatchStatement.Entry> TWO =
      List.of(
          new BatchStatement.Entry("run-1", "s1", HASH_A),
          new BatchStatement.Entry("run-2", "s1", HASH_B));

  private static ApprovalProof jws(BatchStatement st) {
    Statement s = st.statement();
    return ApprovalProof.jws(ProofSigner.issueJws("idp", KEY, s), ISSUED, EXPIRES);
  }

  @Test
  @DisplayName(
      "the signed bytes are canonical JSON: keys sorted, no whitespace, entries in order, and the digest is their SHA-256")
  void canonicalBytes() throws Exception {
    BatchStatement st = batch(TWO);
    String canonical = st.statement().canonical();
    assertThat(canonical)
        .isEqualTo(
            "{\"approver\":\"alice\",\"comment\":\"incident 42\",\"decision\":\"approve\","
                + "\"entries\":[{\"callHash\":\""
                + HASH_A
                + "\",\"stepId\":\"s1\",\"task\":\"run-1\"},{\"callHash\":\""
                + HASH_B
                + "\",\"stepId\":\"s1\",\"task\":\"run-2\"}],\"expiresAt\":\""
                + EXPIRES
                + "\",\"issuedAt\":\""
                + ISSUED
                + "\",\"v\":\"interlock-batch/1\"}");
    byte[] d =
        MessageDigest.getInstance("SHA-256").digest(canonical.getBytes(StandardCharsets.UTF_8));
    assertThat(st.digest()).isEqualTo("sha256:" + HexFormat.of().formatHex(d));
    assertThat(batch(List.of(TWO.get(1), TWO.get(0))).digest()).isNotEqualTo(st.digest());
  }

  @Test
  @DisplayName(
      "one proof verifies the whole statement; any edit to it, or a single-step statement, does not")
  void oneProofCoversAll() {
    BatchStatement st = batch(TWO);
    ApprovalProof proof = jws(st);
    ProofVerdict ok = ProofVerifier.verify(proof, st.statement(), TRUST, NOW, 0);
    assertThat(ok.verified()).as(ok.problem()).isTrue();
    assertThat(ok.statementDigest()).isEqualTo(st.digest());

    BatchStatement widened =
        batch(List.of(TWO.get(0), TWO.get(1), new BatchStatement.Entry("run-3", "s1", HASH_A)));
    assertThat(ProofVerifier.verify(proof, widened.statement(), TRUST, NOW, 0).verified())
        .isFalse();
    BatchStatement rejecting =
        new BatchStatement("alice", "reject", "incident 42", ISSUED, EXPIRES, TWO);
    assertThat(ProofVerifier.verify(proof, rejecting.statement(), TRUST, NOW, 0).verified())
        .isFalse();
    Statement single =
        Statement.decision(
            "run-1", "s1", HASH_A, "alice", true, "incident 42", null, ISSUED, EXPIRES);
    assertThat(ProofVerifier.verify(proof, single, TRUST, NOW, 0).verified()).isFalse();
  }

  @Test
  @DisplayName(
      "malformed or oversized statements name the rule: no entries, over 100, a step twice, an unknown decision, a rejection without reason, an incomplete entry")
  void problems() {
    List<BatchStatement.Entry> many = new ArrayList<>();
    for (int i = 0; i < 101; i++) {
      many.add(new BatchStatement.Entry("run-1", "s" + i, HASH_A));
    }
    assertThat(batch(TWO).problem()).isNull();
    assertThat(batch(List.of()).problem()).contains("needs entries");
    assertThat(batch(many).problem()).contains("at most 100 entries");
    assertThat(batch(List.of(TWO.get(0), TWO.get(0))).problem()).contains("list each step once");
    assertThat(new BatchStatement("alice", "maybe", null, ISSUED, EXPIRES, TWO).problem())
        .contains("'approve' or 'reject'");
    assertThat(new BatchStatement("alice", "reject", " ", ISSUED, EXPIRES, TWO).problem())
        .contains("needs a reason");
    assertThat(batch(List.of(new BatchStatement.Entry("run-1", null, HASH_A))).problem())
        .contains("entry 0 needs task, stepId and callHash");
    assertThat(batch(List.of(new BatchStatement.Entry("run-1", "s".repeat(129), HASH_A))).problem())
        .contains("at most 128 characters");
  }
}
