package io.interlock.bench.proof;

import io.interlock.workflows.proof.ProofSigner;
import io.interlock.workflows.proof.Statement;
import java.security.KeyPair;
import java.security.KeyPairGenerator;
import java.security.Signature;
import java.util.Locale;
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
    for (int round = 1; round <= 3; round++) {
      double jdkSign = perOp(() -> sign(Signature.getInstance("Ed25519"), keys, message));
      double bcSign = perOp(() -> sign(Signature.getInstance("Ed25519", bc), keys, message));
      byte[] sig = sign(Signature.getInstance("Ed25519"), keys, message);
      double jdkVerify = perOp(() -> verify(Signature.getInstance("Ed25519"), keys, message, sig));
      double bcVerify =
          perOp(() -> verify(Signature.getInstance("Ed25519", bc), keys, message, sig));
      double jws = perOp(() -> ProofSigner.issueJws("interlock-api", issuer, statement));
      System.out.printf(
          Locale.ROOT,
          "round %d: sign JDK %.3f ms, Bouncy Castle %.3f ms (%.1fx); verify JDK %.3f ms, Bouncy"
              + " Castle %.3f ms (%.1fx); a whole JWS proof issued %.3f ms%n",
          round,
          jdkSign,
          bcSign,
          jdkSign / bcSign,
          jdkVerify,
          bcVerify,
          jdkVerify / bcVerify,
          jws);
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
