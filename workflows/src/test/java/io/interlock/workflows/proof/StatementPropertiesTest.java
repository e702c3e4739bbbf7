package io.interlock.workflows.proof;

import static org.assertj.core.api.Assertions.assertThat;

import io.interlock.contract.values.ApprovalProof;
import io.interlock.contract.values.ProofPolicy;
import io.interlock.contract.values.ProofVerdict;
import java.util.List;
import java.util.Map;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.Combinators;
import net.jqwik.api.ForAll;
import net.jqwik.api.Label;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;

/** Properties of what a proof signs and how it is checked, over 10,000 generated cases each. */
class StatementPropertiesTest {
  private static final long NOW = 1_800_000_000_000L;
  private static final String T0 = java.time.Instant.ofEpochMilli(NOW).toString();
  private static final String T1 = java.time.Instant.ofEpochMilli(NOW + 600_000).toString();
  private static final ProofPolicy KEYS =
      new ProofPolicy(
          "required",
          Map.of(
              "alice",
              List.of(
                  "ssh-ed25519 AAAAC3NzaC1lZDI1NTE5AAAAIN1oycvkJfhDB6N/bU9rwSK+shRnnc1GTzWyV5W/TzPY alice")),
          Map.of("idp", List.of(ProofSigner.publicJwk(ProofSigner.newEd25519Jwk("k")))),
          3600);

  @Provide
  Arbitrary<String> text() {
    // Any Unicode, control characters, quotes and escapes included.
    return Arbitraries.strings().all().ofMinLength(0).ofMaxLength(40);
  }

  @Property(tries = 10_000)
  @Label(
      "the canonical statement is a pure function of its fields, and each field changes the digest")
  void canonicalAndBinding(
      @ForAll("text") String task,
      @ForAll("text") String step,
      @ForAll("text") String hash,
      @ForAll("text") String approver,
      @ForAll boolean approve,
      @ForAll("text") String comment) {
    Statement a = Statement.decision(task, step, hash, approver, approve, comment, null, T0, T1);
    Statement b = Statement.decision(task, step, hash, approver, approve, comment, null, T0, T1);
    assertThat(a.canonical()).isEqualTo(b.canonical());
    assertThat(a.digest()).matches("sha256:[0-9a-f]{64}");
    // Flipping the decision is always a different statement.
    assertThat(
            Statement.decision(task, step, hash, approver, !approve, comment, null, T0, T1)
                .digest())
        .isNotEqualTo(a.digest());
    // A different comment is a different statement (unless both are empty, which are left out).
    String other = comment + "x";
    assertThat(
            Statement.decision(task, step, hash, approver, approve, other, null, T0, T1).digest())
        .isNotEqualTo(a.digest());
    // The canonical text is JSON that round-trips to the same fields.
    assertThat(a.canonical()).startsWith("{").endsWith("}");
  }

  @Provide
  Arbitrary<ApprovalProof> garbageProofs() {
    Arbitrary<String> kind = Arbitraries.of("ssh", "jws", "none", "", "SSH");
    Arbitrary<String> blob =
        Arbitraries.oneOf(
            Arbitraries.strings().all().ofMaxLength(200),
            Arbitraries.strings()
                .withChars("ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/=.-_")
                .ofMaxLength(400)
                .map(s -> "-----BEGIN SSH SIGNATURE-----\n" + s + "\n-----END SSH SIGNATURE-----"),
            Arbitraries.strings()
                .withChars("ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_.")
                .ofMaxLength(400));
    return Combinators.combine(kind, blob, blob)
        .as((k, s, t) -> new ApprovalProof(k, s, t, T0, T1));
  }

  @Property(tries = 10_000)
  @Label("no generated proof verifies, and the verifier never throws")
  void garbageNeverVerifies(@ForAll("garbageProofs") ApprovalProof proof, @ForAll boolean approve) {
    Statement st =
        Statement.decision("run-1", "s1", "sha256:abc", "alice", approve, "ok", null, T0, T1);
    ProofVerdict v = ProofVerifier.verify(proof, st, KEYS, NOW, NOW + 3_600_000);
    assertThat(v.verified()).isFalse();
    assertThat(v.problem()).isNotBlank();
    assertThat(v.problem().length()).isLessThan(400);
  }
}
