package io.interlock.workflows.proof;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.charset.StandardCharsets;
import java.security.KeyPair;
import java.security.KeyPairGenerator;
import java.security.Signature;
import org.jose4j.jws.AlgorithmIdentifiers;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

class EdDsaProviderTest {
  @Test
  @DisplayName(
      "once Bouncy Castle is registered the API signs with it, and its Ed25519 signature is byte for byte the runtime's")
  void bouncyCastleSignsAsTheRuntimeDoes() throws Exception {
    String provider = null;
    for (int i = 0; i < 600 && provider == null; i++) {
      provider =
          EdDsaProvider.forAlgorithm(AlgorithmIdentifiers.EDDSA)
              .getSuppliedKeyProviderContext()
              .getSignatureProvider();
      Thread.sleep(100);
    }
    assertThat(provider).as("registered within a minute").isEqualTo("BC");
    assertThat(
            EdDsaProvider.forAlgorithm(AlgorithmIdentifiers.ECDSA_USING_P256_CURVE_AND_SHA256)
                .getSuppliedKeyProviderContext()
                .getSignatureProvider())
        .as("ES256 keeps the runtime's provider")
        .isNull();

    KeyPair keys = KeyPairGenerator.getInstance("Ed25519").generateKeyPair();
    byte[] message = "{\"task\":\"t\",\"decision\":\"approve\"}".getBytes(StandardCharsets.UTF_8);
    assertThat(sign(Signature.getInstance("EdDSA", provider), keys, message))
        .isEqualTo(sign(Signature.getInstance("EdDSA"), keys, message));
  }

  private static byte[] sign(Signature s, KeyPair keys, byte[] message) throws Exception {
    s.initSign(keys.getPrivate());
    s.update(message);
    return s.sign();
  }
}
