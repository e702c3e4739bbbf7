package io.interlock.bench.proof;

import io.interlock.contract.values.ApprovalProof;
import io.interlock.contract.values.ProofPolicy;
import io.interlock.contract.values.ProofVerdict;
import io.interlock.workflows.proof.ProofSigner;
import io.interlock.workflows.proof.ProofVerifier;
import io.interlock.workflows.proof.Statement;
import java.security.KeyPair;
import java.security.KeyPairGenerator;
import java.security.Signature;
import java.time.Instant;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import org.bouncycastle.jce.provider.BouncyCastleProvider;

/**
 * What an approval's signatures cost: Ed25519 sign and verify by Java 17's own provider (the
 * baseline) and by Bouncy Castle (what the API signs with), in one run, and a whole JWS proof
 * issued by the API's signer. An approval signs once (the API's attestation) and verifies twice
 * (the workflow, then the re-check right before the write; both with the runtime's provider).
 */
public final class Ed25519Benchmark {
  private static final int N = 300;

  public static void main(String[] args) throws Exception {
    BouncyCastleProvider bc = new BouncyCastleProvider();
    KeyPair keys = KeyPairGenerator.getInstance("Ed25519").generateKeyPair();
    byte[] message = new byte[400];
    String issuer = ProofSigner.newEd25519Jwk("bench");
    Statement statement =
        Statement.request(
            "task-1", "agent:bench", "staging", "2026-12-01T10:00:00Z", "2026-12-01T11:00:00Z");
    String token = ProofSigner.issueJws("interlock-api", issuer, statement);
    ProofPolicy keys1 =
        new ProofPolicy(
            ProofPolicy.REQUIRED,
            Map.of(),
            Map.of("interlock-api", List.of(ProofSigner.publicJwk(issuer))),
            ProofPolicy.DEFAULT_MAX_PROOF_SECONDS,
            null);
    long now = Instant.parse("2026-12-01T10:30:00Z").toEpochMilli();
    for (int round = 1; round <= 3; round++) {
      double jdkSign = perOp(() -> sign(Signature.getInstance("Ed25519"), keys, message));
      double bcSign = perOp(() -> sign(Signature.getInstance("Ed25519", bc), keys, message));
      byte[] sig = sign(Signature.getInstance("Ed25519"), keys, message);
      double jdkVerify = perOp(() -> verify(Signature.getInstance("Ed25519"), keys, message, sig));
      double bcVerify =
          perOp(() -> verify(Signature.getInstance("Ed25519", bc), keys, message, sig));
      double jws = perOp(() -> ProofSigner.issueJws("interlock-api", issuer, statement));
      double checked = perOp(() -> verified(token, statement, keys1, now));
      System.out.printf(
          Locale.ROOT,
          "round %d: sign JDK %.3f ms, Bouncy Castle %.3f ms (%.1fx); verify JDK %.3f ms, Bouncy"
              + " Castle %.3f ms (%.1fx); a whole JWS proof issued %.3f ms, checked %.3f ms%n",
          round,
          jdkSign,
          bcSign,
          jdkSign / bcSign,
          jdkVerify,
          bcVerify,
          jdkVerify / bcVerify,
          jws,
          checked);
    }
  }

  private interface Op {
    Object run() throws Exception;
  }

  private static double perOp(Op op) throws Exception {
    long t0 = System.nanoTime();
    for (int i = 0; i < N; i++) {
      op.run();
    }
    return (System.nanoTime() - t0) / 1e6 / N;
  }

  private static Object verified(String token, Statement statement, ProofPolicy keys, long now) {
    ProofVerdict v =
        ProofVerifier.verify(
            ApprovalProof.jws(token, statement.issuedAt(), statement.expiresAt()),
            statement,
            keys,
            now,
            0);
    if (!v.verified()) {
      throw new IllegalStateException("the benchmark's own proof was refused: " + v);
    }
    return v;
  }

  private static byte[] sign(Signature s, KeyPair keys, byte[] message) throws Exception {
    s.initSign(keys.getPrivate());
    s.update(message);
    return s.sign();
  }

  private static boolean verify(Signature s, KeyPair keys, byte[] message, byte[] sig)
      throws Exception {
    s.initVerify(keys.getPublic());
    s.update(message);
    return s.verify(sig);
  }
}
