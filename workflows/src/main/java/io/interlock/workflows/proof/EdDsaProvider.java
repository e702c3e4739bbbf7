package io.interlock.workflows.proof;

import java.security.GeneralSecurityException;
import java.security.KeyFactory;
import java.security.PrivateKey;
import java.security.Provider;
import java.security.Security;
import java.security.interfaces.EdECPrivateKey;
import java.security.spec.PKCS8EncodedKeySpec;
import java.util.concurrent.atomic.AtomicBoolean;
import org.bouncycastle.jce.provider.BouncyCastleProvider;
import org.jose4j.jca.ProviderContext;
import org.jose4j.jws.AlgorithmIdentifiers;

/**
 * Where EdDSA proofs are signed and verified: Bouncy Castle (already here for SSH proofs), 10-12
 * times faster than Java 17's own Ed25519 (bench's Ed25519Benchmark). Ed25519 signatures are
 * deterministic and verification has one answer, so either provider gives the same token and the
 * same verdict. Only signing registers Bouncy Castle: building it takes over a second on a busy
 * machine, and verification runs on workflow threads, where that trips the SDK's deadlock detector
 * (it failed the replay of a committed history). Other algorithms keep the defaults.
 */
final class EdDsaProvider {
  private static final AtomicBoolean REGISTERING = new AtomicBoolean();

  private EdDsaProvider() {}

  /**
   * For the API's signer: Bouncy Castle's signatures for EdDSA once it is registered, the runtime's
   * until then (the first call starts the registration).
   */
  static ProviderContext forSigning(String alg) {
    return context(AlgorithmIdentifiers.EDDSA.equals(alg) ? ready() : null);
  }

  /**
   * For verification: Bouncy Castle for EdDSA if something already registered it, else the
   * runtime's. Never registers it, so no workflow thread waits for that.
   */
  static ProviderContext forVerifying(String alg) {
    return context(AlgorithmIdentifiers.EDDSA.equals(alg) ? present() : null);
  }

  /**
   * The signing key as the EdDSA provider's own key object when that provider is registered (it
   * keeps what it derives from the key across signatures), else as given.
   */
  static PrivateKey signingKey(String alg, PrivateKey key) {
    Provider bc = Security.getProvider(BouncyCastleProvider.PROVIDER_NAME);
    if (!AlgorithmIdentifiers.EDDSA.equals(alg) || bc == null) {
      return key;
    }
    try {
      PrivateKey own =
          KeyFactory.getInstance("Ed25519", bc)
              .generatePrivate(new PKCS8EncodedKeySpec(key.getEncoded()));
      // The JWS library signs only with an EdECPrivateKey, which the provider's key is on Java 15+.
      return own instanceof EdECPrivateKey ? own : key;
    } catch (GeneralSecurityException e) {
      return key; // the runtime's key signs the same; only slower
    }
  }

  static boolean isProviderKey(PrivateKey key) {
    return key.getClass().getName().startsWith("org.bouncycastle.");
  }

  private static ProviderContext context(String signatureProvider) {
    ProviderContext context = new ProviderContext();
    if (signatureProvider != null) {
      context.getSuppliedKeyProviderContext().setSignatureProvider(signatureProvider);
    }
    return context;
  }

  /**
   * Registers Bouncy Castle on a daemon thread the first time: building its provider takes over a
   * second on a busy machine, which no request should wait for.
   */
  private static String ready() {
    String name = present();
    if (name == null && REGISTERING.compareAndSet(false, true)) {
      Thread t = new Thread(EdDsaProvider::register, "interlock-bouncy-castle");
      t.setDaemon(true);
      t.start();
    }
    return name;
  }

  /** Added last, so nothing that asks without naming a provider gets another answer than before. */
  private static void register() {
    if (present() == null) {
      Security.addProvider(new BouncyCastleProvider());
    }
  }

  private static String present() {
    Provider bc = Security.getProvider(BouncyCastleProvider.PROVIDER_NAME);
    return bc == null ? null : bc.getName();
  }
}
