package io.interlock.workflows.proof;

import static org.assertj.core.api.Assertions.assertThat;

import io.interlock.contract.values.ApprovalProof;
import io.interlock.contract.values.ProofPolicy;
import io.interlock.contract.values.ProofVerdict;
import java.nio.charset.StandardCharsets;
import java.security.KeyPair;
import java.security.KeyPairGenerator;
import java.security.Security;
import java.security.Signature;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import org.bouncycastle.jce.provider.BouncyCastleProvider;
import org.jose4j.jws.AlgorithmIdentifiers;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

class EdDsaProviderTest {
  private static final long NOW = Instant.parse("2026-12-01T12:00:00Z").toEpochMilli();

  @Test
  @DisplayName(
      "once Bouncy Castle is registered the API signs with it, and its Ed25519 signature is byte for byte the runtime's")
  void bouncyCastleSignsAsTheRuntimeDoes() throws Exception {
    String provider = registeredBySigning();
    assertThat(provider).as("registered within a minute").isEqualTo("BC");
    assertThat(
            EdDsaProvider.forSigning(AlgorithmIdentifiers.ECDSA_USING_P256_CURVE_AND_SHA256)
                .getSuppliedKeyProviderContext()
                .getSignatureProvider())
        .as("ES256 keeps the runtime's provider")
        .isNull();

    KeyPair keys = KeyPairGenerator.getInstance("Ed25519").generateKeyPair();
    byte[] message = "{\"task\":\"t\",\"decision\":\"approve\"}".getBytes(StandardCharsets.UTF_8);
    assertThat(sign(Signature.getInstance("EdDSA", provider), keys, message))
        .isEqualTo(sign(Signature.getInstance("EdDSA"), keys, message));
  }

  @Test
  @DisplayName(
      "verification never registers Bouncy Castle (a workflow thread would wait over a second for it) and gives the same verdicts with either provider")
  void verificationNeverRegistersAndAgreesWithTheRuntime() throws Exception {
    String issuerKey = ProofSigner.newEd25519Jwk("ed-1");
    ProofPolicy keys =
        new ProofPolicy(
            null, Map.of(), Map.of("idp", List.of(ProofSigner.publicJwk(issuerKey))), 3600);
    Statement st =
        Statement.decision(
            "task-1",
            "s1",
            "sha256:" + "a".repeat(64),
            "alice",
            true,
            "ok",
            null,
            "2026-12-01T11:59:00Z",
            "2026-12-01T12:09:00Z");
    String token = ProofSigner.issueJws("idp", issuerKey, st);
    String forged =
        token.substring(0, token.length() - 4) + (token.endsWith("AAAA") ? "BBBB" : "AAAA");
    Security.removeProvider(BouncyCastleProvider.PROVIDER_NAME);
    try {
      assertThat(
              EdDsaProvider.forVerifying(AlgorithmIdentifiers.EDDSA)
                  .getSuppliedKeyProviderContext()
                  .getSignatureProvider())
          .isNull();
      ProofVerdict good = verify(token, st, keys);
      ProofVerdict bad = verify(forged, st, keys);
      Thread.sleep(300);
      assertThat(Security.getProvider(BouncyCastleProvider.PROVIDER_NAME))
          .as("verifying left Bouncy Castle unregistered")
          .isNull();

      Security.addProvider(new BouncyCastleProvider());
      assertThat(
              EdDsaProvider.forVerifying(AlgorithmIdentifiers.EDDSA)
                  .getSuppliedKeyProviderContext()
                  .getSignatureProvider())
          .isEqualTo("BC");
      assertThat(good.verified()).as(good.problem()).isTrue();
      assertThat(bad.verified()).isFalse();
      assertThat(verify(token, st, keys)).isEqualTo(good);
      assertThat(verify(forged, st, keys)).isEqualTo(bad);
    } finally {
      if (Security.getProvider(BouncyCastleProvider.PROVIDER_NAME) == null) {
        Security.addProvider(new BouncyCastleProvider());
      }
    }
  }

  @Test
  @DisplayName(
      "an issuer key parsed once signs with the provider's own key, token for token what the JWK text signs, and never shows its private part")
  void parsedIssuerKeySignsAsTheText() throws Exception {
    assertThat(registeredBySigning()).isEqualTo("BC");
    String jwk = ProofSigner.newEd25519Jwk("api-1");
    ProofSigner.IssuerKey key = ProofSigner.IssuerKey.of(jwk);
    assertThat(key.heldByProvider())
        .as("held as Bouncy Castle's key once it is registered")
        .isTrue();
    assertThat(key.signingKey().getClass().getName()).startsWith("org.bouncycastle.");
    assertThat(key.toString()).isEqualTo("IssuerKey[EdDSA, kid api-1]").doesNotContain("\"d\"");
    Statement st =
        Statement.request(
            "task-1", "agent:bot", "staging", "2026-12-01T11:59:00Z", "2026-12-01T12:09:00Z");
    String token = ProofSigner.issueJws("interlock-api", key, st);
    assertThat(ProofSigner.issueJws("interlock-api", key, st)).isEqualTo(token);
    Security.removeProvider(BouncyCastleProvider.PROVIDER_NAME);
    try {
      // Parsed while Bouncy Castle is away: the runtime's key, same signature, parsed again later.
      ProofSigner.IssuerKey early = ProofSigner.IssuerKey.of(jwk);
      assertThat(early.heldByProvider()).isFalse();
      assertThat(ProofSigner.issueJws("interlock-api", early, st)).isEqualTo(token);
    } finally {
      Security.addProvider(new BouncyCastleProvider());
    }
    ProofPolicy keys =
        new ProofPolicy(
            null, Map.of(), Map.of("interlock-api", List.of(ProofSigner.publicJwk(jwk))), 3600);
    ProofVerdict v = verify(token, st, keys);
    assertThat(v.verified()).as(v.problem()).isTrue();
  }

  private static ProofVerdict verify(String token, Statement st, ProofPolicy keys) {
    return ProofVerifier.verify(
        ApprovalProof.jws(token, st.issuedAt(), st.expiresAt()),
        st,
        keys,
        NOW,
        Instant.parse("2026-12-01T13:00:00Z").toEpochMilli());
  }

  private static String registeredBySigning() throws InterruptedException {
    String provider = null;
    for (int i = 0; i < 600 && provider == null; i++) {
      provider =
          EdDsaProvider.forSigning(AlgorithmIdentifiers.EDDSA)
              .getSuppliedKeyProviderContext()
              .getSignatureProvider();
      Thread.sleep(100);
    }
    return provider;
  }

  private static byte[] sign(Signature s, KeyPair keys, byte[] message) throws Exception {
    s.initSign(keys.getPrivate());
    s.update(message);
    return s.sign();
  }
}
