package io.interlock.workflows.proof;

import java.security.Provider;
import java.security.Security;
import org.bouncycastle.jce.provider.BouncyCastleProvider;
import org.jose4j.jca.ProviderContext;
import org.jose4j.jws.AlgorithmIdentifiers;

/**
 * Where JWS proofs sign and verify EdDSA: Bouncy Castle (already here for SSH proofs), 8-12 times
 * faster than Java 17's own Ed25519 (bench's Ed25519Benchmark), which an approval pays three times
 * on its way to the write. Other algorithms keep the runtime's defaults.
 */
final class EdDsaProvider {
  private static final String NAME = registered().getName();

  private EdDsaProvider() {}

  /** The provider context for {@code alg}: Bouncy Castle's signatures for EdDSA, else defaults. */
  static ProviderContext forAlgorithm(String alg) {
    ProviderContext context = new ProviderContext();
    if (AlgorithmIdentifiers.EDDSA.equals(alg)) {
      context.getSuppliedKeyProviderContext().setSignatureProvider(NAME);
    }
    return context;
  }

  /** Added last, so nothing that asks without naming a provider gets another answer than before. */
  private static synchronized Provider registered() {
    Provider bc = Security.getProvider(BouncyCastleProvider.PROVIDER_NAME);
    if (bc == null) {
      bc = new BouncyCastleProvider();
      Security.addProvider(bc);
    }
    return bc;
  }
}
