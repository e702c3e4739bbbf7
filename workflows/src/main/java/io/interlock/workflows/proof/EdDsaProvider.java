package io.interlock.workflows.proof;

import java.security.Provider;
import java.security.Security;
import java.util.concurrent.atomic.AtomicBoolean;
import org.bouncycastle.jce.provider.BouncyCastleProvider;
import org.jose4j.jca.ProviderContext;
import org.jose4j.jws.AlgorithmIdentifiers;

/**
 * Where the API signs EdDSA proofs: Bouncy Castle (already here for SSH proofs), 10-12 times faster
 * than Java 17's own Ed25519 (bench's Ed25519Benchmark). Ed25519 signatures are deterministic, so
 * the token is byte for byte the one the runtime's provider would make. Verification, which runs in
 * workflow code and on replay, stays with the runtime's provider. Other algorithms keep the
 * runtime's defaults.
 */
final class EdDsaProvider {
  private static final AtomicBoolean REGISTERING = new AtomicBoolean();
  private static volatile String registered = present();

  private EdDsaProvider() {}

  /**
   * The provider context for {@code alg}: Bouncy Castle's signatures for EdDSA once it is
   * registered, the runtime's until then.
   */
  static ProviderContext forAlgorithm(String alg) {
    ProviderContext context = new ProviderContext();
    String name = AlgorithmIdentifiers.EDDSA.equals(alg) ? ready() : null;
    if (name != null) {
      context.getSuppliedKeyProviderContext().setSignatureProvider(name);
    }
    return context;
  }

  /**
   * Registers Bouncy Castle on a daemon thread the first time: building its provider takes over a
   * second on a busy machine, which no request should wait for.
   */
  private static String ready() {
    if (registered == null && REGISTERING.compareAndSet(false, true)) {
      Thread t = new Thread(EdDsaProvider::register, "interlock-bouncy-castle");
      t.setDaemon(true);
      t.start();
    }
    return registered;
  }

  /** Added last, so nothing that asks without naming a provider gets another answer than before. */
  private static void register() {
    if (present() == null) {
      Security.addProvider(new BouncyCastleProvider());
    }
    registered = present();
  }

  private static String present() {
    Provider bc = Security.getProvider(BouncyCastleProvider.PROVIDER_NAME);
    return bc == null ? null : bc.getName();
  }
}
