package io.interlock.workflows.proof;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.interlock.contract.values.ApprovalProof;
import io.interlock.contract.values.ProofPolicy;
import io.interlock.contract.values.ProofVerdict;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.stream.Stream;
import org.jose4j.jwk.EcJwkGenerator;
import org.jose4j.jwk.EllipticCurveJsonWebKey;
import org.jose4j.jwk.JsonWebKey;
import org.jose4j.jwk.OctetKeyPairJsonWebKey;
import org.jose4j.jwk.PublicJsonWebKey;
import org.jose4j.jws.AlgorithmIdentifiers;
import org.jose4j.jws.JsonWebSignature;
import org.jose4j.jwt.JwtClaims;
import org.jose4j.jwt.NumericDate;
import org.jose4j.keys.EllipticCurves;
import org.jose4j.keys.HmacKey;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Nested;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;
import org.junit.jupiter.params.provider.ValueSource;

class ProofVerifierTest {
  private static final String ISSUED = "2026-11-30T19:00:00Z";
  private static final String EXPIRES = "2026-11-30T19:15:00Z";
  private static final long NOW = Instant.parse("2026-11-30T19:05:00Z").toEpochMilli();
  private static final long DEADLINE = Instant.parse("2026-11-30T19:30:00Z").toEpochMilli();
  private static final String TASK = "run-1";
  private static final String HASH = "sha256:" + "ab".repeat(32);

  @TempDir static Path dir;

  private static final AtomicInteger FILES = new AtomicInteger();
  private static final Map<String, String> KEY_TYPES =
      Map.of(
          "alice",
          "ed25519",
          "bob",
          "ecdsa:256",
          "carol",
          "ecdsa:384",
          "dave",
          "ecdsa:521",
          "erin",
          "rsa:3072");

  @BeforeAll
  static void generateKeys() throws Exception {
    for (Map.Entry<String, String> k : KEY_TYPES.entrySet()) {
      String[] typeAndBits = k.getValue().split(":");
      List<String> cmd =
          new ArrayList<>(
              List.of(
                  "ssh-keygen",
                  "-q",
                  "-t",
                  typeAndBits[0],
                  "-N",
                  "",
                  "-C",
                  k.getKey(),
                  "-f",
                  dir.resolve(k.getKey()).toString()));
      if (typeAndBits.length > 1) {
        cmd.addAll(List.of("-b", typeAndBits[1]));
      }
      run(cmd.toArray(String[]::new));
    }
  }

  private static Statement approve(String approver, String comment) {
    return Statement.decision(TASK, "s1", HASH, approver, true, comment, null, ISSUED, EXPIRES);
  }

  private static Statement approve(String approver) {
    return approve(approver, "looks good");
  }

  private static Statement withTimes(String approver, String issued, String expires) {
    return Statement.decision(
        TASK, "s1", HASH, approver, true, "looks good", null, issued, expires);
  }

  private static String publicLine(String name) throws IOException {
    return Files.readString(dir.resolve(name + ".pub")).strip();
  }

  private static ProofPolicy sshPolicy(String... names) throws IOException {
    Map<String, List<String>> keys = new java.util.HashMap<>();
    for (String n : names) {
      keys.put(n, List.of(publicLine(n)));
    }
    return new ProofPolicy(ProofPolicy.REQUIRED, keys, Map.of(), 3600);
  }

  private static String sshSign(String key, Statement statement, String namespace)
      throws Exception {
    Path file = dir.resolve("statement-" + FILES.incrementAndGet() + ".json");
    Files.writeString(file, statement.canonical(), StandardCharsets.UTF_8);
    run(
        "ssh-keygen",
        "-Y",
        "sign",
        "-n",
        namespace,
        "-f",
        dir.resolve(key).toString(),
        file.toString());
    return Files.readString(Path.of(file + ".sig"));
  }

  private static ApprovalProof sshProof(String key, Statement signed) throws Exception {
    return ApprovalProof.ssh(
        sshSign(key, signed, Statement.SSH_NAMESPACE), signed.issuedAt(), signed.expiresAt());
  }

  private static String run(String... cmd) throws Exception {
    Process p = new ProcessBuilder(cmd).redirectErrorStream(true).start();
    String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
    assertThat(p.waitFor(60, TimeUnit.SECONDS)).isTrue();
    assertThat(p.exitValue()).as("%s: %s", String.join(" ", cmd), out).isZero();
    return out;
  }

  private static void assertRefused(ProofVerdict v, String rule) {
    assertThat(v.verified()).isFalse();
    assertThat(v.problem()).containsIgnoringCase(rule);
    assertThat(v.problem()).doesNotContain("\n").hasSizeLessThan(300);
  }

  @Nested
  @DisplayName("SSH signatures (ssh-keygen -Y sign)")
  class Ssh {
    @Test
    @DisplayName("an ed25519 signature by a listed key verifies, with ssh-keygen's fingerprint")
    void ed25519Verifies() throws Exception {
      Statement st = approve("alice");
      ProofVerdict v =
          ProofVerifier.verify(sshProof("alice", st), st, sshPolicy("alice"), NOW, DEADLINE);

      String fingerprint =
          run("ssh-keygen", "-lf", dir.resolve("alice.pub").toString()).split("\\s+")[1];
      assertThat(v)
          .isEqualTo(
              new ProofVerdict("ssh", true, "ssh-ed25519", fingerprint, null, st.digest(), null));
      assertThat(SshKeys.fingerprint(publicLine("alice"))).isEqualTo(fingerprint);
    }

    @Test
    @DisplayName("an ecdsa P-256 signature by a listed key verifies")
    void ecdsaVerifies() throws Exception {
      Statement st = approve("bob");
      ProofVerdict v =
          ProofVerifier.verify(sshProof("bob", st), st, sshPolicy("bob"), NOW, DEADLINE);

      assertThat(v.verified()).as(v.problem()).isTrue();
      assertThat(v.keyType()).isEqualTo("ecdsa-sha2-nistp256");
      assertThat(v.keyFingerprint()).isEqualTo(SshKeys.fingerprint(publicLine("bob")));
    }

    @ParameterizedTest(name = "{0}")
    @ValueSource(strings = {"carol", "dave", "erin"})
    @DisplayName("ecdsa P-384, P-521 and RSA (rsa-sha2-512) signatures verify")
    void otherKeyTypesVerify(String key) throws Exception {
      Statement st = approve(key);
      ProofVerdict v = ProofVerifier.verify(sshProof(key, st), st, sshPolicy(key), NOW, DEADLINE);

      assertThat(v.verified()).as(v.problem()).isTrue();
      assertThat(v.keyType()).isEqualTo(publicLine(key).split(" ")[0]);
    }

    @Test
    @DisplayName("a sha256 SSHSIG (ssh-keygen -O hashalg=sha256) verifies too")
    void sha256HashVerifies() throws Exception {
      Statement st = approve("alice");
      Path file = dir.resolve("statement-" + FILES.incrementAndGet() + ".json");
      Files.writeString(file, st.canonical());
      run(
          "ssh-keygen",
          "-Y",
          "sign",
          "-O",
          "hashalg=sha256",
          "-n",
          Statement.SSH_NAMESPACE,
          "-f",
          dir.resolve("alice").toString(),
          file.toString());
      ApprovalProof proof =
          ApprovalProof.ssh(Files.readString(Path.of(file + ".sig")), ISSUED, EXPIRES);

      assertThat(ProofVerifier.verify(proof, st, sshPolicy("alice"), NOW, DEADLINE).verified())
          .isTrue();
    }

    @Test
    @DisplayName("the key is found among several lines of the identity, ignoring unparsable ones")
    void findsKeyAmongSeveral() throws Exception {
      Statement st = approve("alice");
      ProofPolicy policy =
          new ProofPolicy(
              null,
              Map.of(
                  "alice",
                  List.of(
                      "garbage", publicLine("bob"), publicLine("alice") + " extra comment words")),
              Map.of(),
              0);

      assertThat(ProofVerifier.verify(sshProof("alice", st), st, policy, NOW, DEADLINE).verified())
          .isTrue();
    }

    @Test
    @DisplayName(
        "bob's key signing a statement that says alice is speaking is refused as not listed")
    void otherIdentitysKeyRefused() throws Exception {
      Statement st = approve("alice");
      ProofVerdict v =
          ProofVerifier.verify(sshProof("bob", st), st, sshPolicy("alice", "bob"), NOW, DEADLINE);

      assertRefused(v, "not listed for 'alice'");
      assertThat(v.problem()).contains(SshKeys.fingerprint(publicLine("bob")));
      assertThat(v.kind()).isEqualTo("ssh");
      assertThat(v.statementDigest()).isEqualTo(st.digest());
    }

    @Test
    @DisplayName("an identity with no keys in policy is refused as such")
    void identityWithoutKeysRefused() throws Exception {
      Statement st = approve("alice");
      assertRefused(
          ProofVerifier.verify(sshProof("alice", st), st, sshPolicy("bob"), NOW, DEADLINE),
          "no SSH keys are listed for 'alice'");
    }

    static Stream<Arguments> otherStatements() {
      return Stream.of(
          Arguments.of("another comment", approve("alice", "looks bad")),
          Arguments.of(
              "another step",
              Statement.decision(
                  TASK, "s2", HASH, "alice", true, "looks good", null, ISSUED, EXPIRES)),
          Arguments.of(
              "another task",
              Statement.decision(
                  "run-2", "s1", HASH, "alice", true, "looks good", null, ISSUED, EXPIRES)),
          Arguments.of(
              "another call hash",
              Statement.decision(
                  TASK,
                  "s1",
                  "sha256:" + "cd".repeat(32),
                  "alice",
                  true,
                  "looks good",
                  null,
                  ISSUED,
                  EXPIRES)),
          Arguments.of(
              "a rejection, for an approval",
              Statement.decision(
                  TASK, "s1", HASH, "alice", false, "looks good", null, ISSUED, EXPIRES)),
          Arguments.of(
              "a break-glass approval",
              Statement.decision(
                  TASK, "s1", HASH, "alice", true, "looks good", "incident-7", ISSUED, EXPIRES)));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("otherStatements")
    @DisplayName("a signature of alice's approval does not prove a different statement")
    void signatureForAnotherStatementRefused(String what, Statement other) throws Exception {
      ApprovalProof proof = sshProof("alice", approve("alice"));
      assertRefused(
          ProofVerifier.verify(proof, other, sshPolicy("alice"), NOW, DEADLINE), "bad signature");
    }

    @Test
    @DisplayName("a rejection's signature used for an approval statement is refused")
    void rejectionProofForApprovalRefused() throws Exception {
      Statement reject =
          Statement.decision(TASK, "s1", HASH, "alice", false, "no", null, ISSUED, EXPIRES);
      ApprovalProof proof = sshProof("alice", reject);
      assertRefused(
          ProofVerifier.verify(proof, approve("alice", "no"), sshPolicy("alice"), NOW, DEADLINE),
          "bad signature");
    }

    @Test
    @DisplayName("a signature in another namespace (-n git) is refused naming the namespace")
    void wrongNamespaceRefused() throws Exception {
      Statement st = approve("alice");
      ApprovalProof proof = ApprovalProof.ssh(sshSign("alice", st, "git"), ISSUED, EXPIRES);
      ProofVerdict v = ProofVerifier.verify(proof, st, sshPolicy("alice"), NOW, DEADLINE);

      assertRefused(v, "namespace");
      assertThat(v.problem()).contains("'git'");
    }

    @Test
    @DisplayName("garbage instead of armor is refused as malformed armor")
    void garbageArmorRefused() throws Exception {
      Statement st = approve("alice");
      assertRefused(
          ProofVerifier.verify(
              ApprovalProof.ssh("hello", ISSUED, EXPIRES), st, sshPolicy("alice"), NOW, DEADLINE),
          "armor");
      String badBody =
          "-----BEGIN SSH SIGNATURE-----\n!!!not base64!!!\n-----END SSH SIGNATURE-----\n";
      assertRefused(
          ProofVerifier.verify(
              ApprovalProof.ssh(badBody, ISSUED, EXPIRES), st, sshPolicy("alice"), NOW, DEADLINE),
          "armor");
      String overlapping = "-----BEGIN SSH SIGNATURE-----END SSH SIGNATURE-----";
      assertRefused(
          ProofVerifier.verify(
              ApprovalProof.ssh(overlapping, ISSUED, EXPIRES),
              st,
              sshPolicy("alice"),
              NOW,
              DEADLINE),
          "armor");
      String notSshsig =
          "-----BEGIN SSH SIGNATURE-----\n"
              + Base64.getEncoder().encodeToString(new byte[64])
              + "\n-----END SSH SIGNATURE-----";
      assertRefused(
          ProofVerifier.verify(
              ApprovalProof.ssh(notSshsig, ISSUED, EXPIRES), st, sshPolicy("alice"), NOW, DEADLINE),
          "malformed SSH signature");
    }

    @Test
    @DisplayName("a 1 MB signature is refused at once by the size bound")
    void hugeSignatureRefused() throws Exception {
      Statement st = approve("alice");
      String huge =
          "-----BEGIN SSH SIGNATURE-----\n" + "A".repeat(1 << 20) + "\n-----END SSH SIGNATURE-----";
      long start = System.nanoTime();
      ProofVerdict v =
          ProofVerifier.verify(
              ApprovalProof.ssh(huge, ISSUED, EXPIRES), st, sshPolicy("alice"), NOW, DEADLINE);

      assertThat(TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - start)).isLessThan(500);
      assertRefused(v, "over the 16384 limit");
    }

    @Test
    @DisplayName("corrupted signatures never verify and never throw")
    void corruptedSignaturesRefused() throws Exception {
      Statement st = approve("alice");
      ProofPolicy policy = sshPolicy("alice");
      String armored = sshSign("alice", st, Statement.SSH_NAMESPACE);
      String body =
          armored
              .replace("-----BEGIN SSH SIGNATURE-----", "")
              .replace("-----END SSH SIGNATURE-----", "")
              .replaceAll("\\s", "");
      byte[] blob = Base64.getDecoder().decode(body);
      Random random = new Random(42);
      for (int i = 0; i < 300; i++) {
        byte[] bad = blob.clone();
        if (i % 3 == 0) {
          bad = java.util.Arrays.copyOf(bad, random.nextInt(bad.length));
        } else {
          bad[random.nextInt(bad.length)] ^= (byte) (1 + random.nextInt(255));
        }
        String corrupted =
            "-----BEGIN SSH SIGNATURE-----\n"
                + Base64.getEncoder().encodeToString(bad)
                + "\n-----END SSH SIGNATURE-----";
        ProofVerdict v =
            ProofVerifier.verify(
                ApprovalProof.ssh(corrupted, ISSUED, EXPIRES), st, policy, NOW, DEADLINE);
        assertThat(v.verified()).isFalse();
        assertThat(v.problem()).isNotBlank();
      }
    }

    @Test
    @DisplayName("SshKeys parses the key lines the verifier supports and nothing else")
    void sshKeysParses() throws Exception {
      for (String k : KEY_TYPES.keySet()) {
        assertThat(SshKeys.parses(publicLine(k))).as(k).isTrue();
      }
      String[] alice = publicLine("alice").split(" ");
      assertThat(SshKeys.parses(alice[0] + " " + alice[1])).isTrue();
      assertThat(SshKeys.parses("ssh-rsa " + alice[1])).isFalse();
      assertThat(SshKeys.parses("ssh-ed25519 !!!")).isFalse();
      assertThat(SshKeys.parses("ssh-ed25519")).isFalse();
      assertThat(SshKeys.parses(null)).isFalse();
      assertThatThrownBy(() -> SshKeys.fingerprint("nonsense"))
          .isInstanceOf(IllegalArgumentException.class);
    }
  }

  @Nested
  @DisplayName("Times and bounds (both kinds)")
  class Times {
    @Test
    @DisplayName("a proof past its expiresAt is refused as expired")
    void expiredRefused() throws Exception {
      Statement st = approve("alice");
      long later = Instant.parse(EXPIRES).toEpochMilli() + 1000;
      ProofVerdict v =
          ProofVerifier.verify(sshProof("alice", st), st, sshPolicy("alice"), later, 0);

      assertRefused(v, "expired at " + EXPIRES);
    }

    @Test
    @DisplayName("a proof issued more than a minute in the future is refused")
    void futureRefused() throws Exception {
      Statement st = withTimes("alice", "2026-12-30T19:00:00Z", "2026-12-30T19:15:00Z");
      ProofVerdict v = ProofVerifier.verify(sshProof("alice", st), st, sshPolicy("alice"), NOW, 0);

      assertRefused(v, "issued in the future");
    }

    @Test
    @DisplayName("a proof issued within the 60 s clock skew is accepted")
    void withinSkewAccepted() throws Exception {
      Statement st = withTimes("alice", "2026-11-30T19:05:59Z", "2026-11-30T19:15:00Z");
      assertThat(
              ProofVerifier.verify(sshProof("alice", st), st, sshPolicy("alice"), NOW, DEADLINE)
                  .verified())
          .isTrue();
    }

    @Test
    @DisplayName("a proof valid for longer than maxProofSeconds is refused")
    void tooLongRefused() throws Exception {
      Statement st = withTimes("alice", ISSUED, "2026-11-30T21:00:00Z");
      ProofVerdict v = ProofVerifier.verify(sshProof("alice", st), st, sshPolicy("alice"), NOW, 0);

      assertRefused(v, "longer than maxProofSeconds 3600");
    }

    @Test
    @DisplayName(
        "a proof that outlives the step deadline is refused; within a second of it is fine")
    void outlivesDeadlineRefused() throws Exception {
      Statement st = approve("alice");
      ApprovalProof proof = sshProof("alice", st);
      long deadline = Instant.parse("2026-11-30T19:10:00Z").toEpochMilli();

      assertRefused(
          ProofVerifier.verify(proof, st, sshPolicy("alice"), NOW, deadline),
          "outlives the step deadline");
      long justBefore = Instant.parse(EXPIRES).toEpochMilli() - 1000;
      assertThat(ProofVerifier.verify(proof, st, sshPolicy("alice"), NOW, justBefore).verified())
          .isTrue();
    }

    @Test
    @DisplayName("proof times that are not the statement's, or not instants, are refused")
    void timesMismatchRefused() throws Exception {
      Statement st = approve("alice");
      String sig = sshSign("alice", st, Statement.SSH_NAMESPACE);

      assertRefused(
          ProofVerifier.verify(
              ApprovalProof.ssh(sig, "2026-11-30T19:01:00Z", EXPIRES),
              st,
              sshPolicy("alice"),
              NOW,
              DEADLINE),
          "not the statement's");
      assertRefused(
          ProofVerifier.verify(
              ApprovalProof.ssh(sig, "yesterday", EXPIRES), st, sshPolicy("alice"), NOW, DEADLINE),
          "issuedAt 'yesterday' is not an ISO-8601 instant");
      assertRefused(
          ProofVerifier.verify(
              ApprovalProof.ssh(sig, ISSUED, null), st, sshPolicy("alice"), NOW, DEADLINE),
          "expiresAt");
    }

    @Test
    @DisplayName("no proof is refused with kind none, pointing at interlock sign")
    void noProofRefused() {
      ProofVerdict v =
          ProofVerifier.verify(
              null, approve("alice"), new ProofPolicy(null, null, null, 0), NOW, 0);

      assertRefused(v, "interlock sign");
      assertThat(v.kind()).isEqualTo("none");
      assertThat(v.statementDigest()).isEqualTo(approve("alice").digest());
    }

    @Test
    @DisplayName(
        "an unknown kind, missing evidence, or missing statement or policy is refused, never thrown")
    void degenerateInputsRefused() {
      Statement st = approve("alice");
      ProofPolicy policy = new ProofPolicy(null, null, null, 0);
      String longKind = "x".repeat(500);

      ProofVerdict unknown =
          ProofVerifier.verify(
              new ApprovalProof(longKind, "s", "t", ISSUED, EXPIRES), st, policy, NOW, 0);
      assertRefused(unknown, "is not ssh or jws");
      assertThat(unknown.problem()).hasSizeLessThan(120);
      assertRefused(
          ProofVerifier.verify(new ApprovalProof(null, null, null, null, null), st, policy, NOW, 0),
          "not ssh or jws");
      assertRefused(
          ProofVerifier.verify(ApprovalProof.ssh(null, ISSUED, EXPIRES), st, policy, NOW, 0),
          "empty");
      assertRefused(
          ProofVerifier.verify(ApprovalProof.jws(" ", ISSUED, EXPIRES), st, policy, NOW, 0),
          "empty");
      assertRefused(
          ProofVerifier.verify(ApprovalProof.ssh("x", ISSUED, EXPIRES), null, policy, NOW, 0),
          "statement");
      assertRefused(
          ProofVerifier.verify(ApprovalProof.ssh("x", ISSUED, EXPIRES), st, null, NOW, 0),
          "policy");
      assertRefused(
          ProofVerifier.verify(
              ApprovalProof.jws("x".repeat(20_000), ISSUED, EXPIRES), st, policy, NOW, 0),
          "token is 20000 chars");
      assertRefused(
          ProofVerifier.verify(
              ApprovalProof.ssh("x", ISSUED, EXPIRES), st, policy, Long.MIN_VALUE, Long.MAX_VALUE),
          "issued in the future");
      assertRefused(
          ProofVerifier.verify(
              ApprovalProof.ssh("x", ISSUED, EXPIRES), st, policy, Long.MAX_VALUE, 0),
          "expired");
    }

    @Test
    @DisplayName("the same inputs give the same verdict, verified or refused")
    void deterministic() throws Exception {
      Statement st = approve("alice");
      ApprovalProof proof = sshProof("alice", st);
      ProofPolicy policy = sshPolicy("alice", "bob");
      ApprovalProof bobs = sshProof("bob", st);

      assertThat(ProofVerifier.verify(proof, st, policy, NOW, DEADLINE))
          .isEqualTo(ProofVerifier.verify(proof, st, policy, NOW, DEADLINE));
      assertThat(ProofVerifier.verify(bobs, st, policy, NOW, DEADLINE))
          .isEqualTo(ProofVerifier.verify(bobs, st, policy, NOW, DEADLINE));
    }
  }

  @Nested
  @DisplayName("JWS tokens from trusted issuers")
  class Jws {
    private final String edPrivate = ProofSigner.newEd25519Jwk("ed-1");
    private final String edPublic = ProofSigner.publicJwk(edPrivate);

    private ProofPolicy policy(String issuer, String... publicJwks) {
      return new ProofPolicy(null, Map.of(), Map.of(issuer, List.of(publicJwks)), 3600);
    }

    private ApprovalProof jws(String token, Statement st) {
      return ApprovalProof.jws(token, st.issuedAt(), st.expiresAt());
    }

    private String signClaims(String privateJwk, String alg, JwtClaims claims) throws Exception {
      PublicJsonWebKey key = (PublicJsonWebKey) JsonWebKey.Factory.newJwk(privateJwk);
      JsonWebSignature jws = new JsonWebSignature();
      jws.setPayload(claims.toJson());
      jws.setKey(key.getPrivateKey());
      jws.setAlgorithmHeaderValue(alg);
      return jws.getCompactSerialization();
    }

    private JwtClaims claimsFor(Statement st) {
      JwtClaims c = new JwtClaims();
      c.setIssuer("idp");
      c.setSubject(st.identity());
      c.setIssuedAt(NumericDate.fromSeconds(Instant.parse(st.issuedAt()).getEpochSecond()));
      c.setExpirationTime(NumericDate.fromSeconds(Instant.parse(st.expiresAt()).getEpochSecond()));
      c.setClaim("interlock_statement", st.digest());
      return c;
    }

    @Test
    @DisplayName("an EdDSA token issued by ProofSigner with a listed Ed25519 key verifies")
    void ed25519Verifies() {
      Statement st = approve("alice");
      String token = ProofSigner.issueJws("idp", edPrivate, st);
      ProofVerdict v =
          ProofVerifier.verify(jws(token, st), st, policy("idp", edPublic), NOW, DEADLINE);

      assertThat(v).isEqualTo(new ProofVerdict("jws", true, null, null, "idp", st.digest(), null));
      assertThat(edPublic).doesNotContain("\"d\"");
      assertThat(edPrivate).contains("\"d\"").contains("\"kid\":\"ed-1\"");
    }

    @Test
    @DisplayName("an ES256 token signed with a P-256 key verifies")
    void es256Verifies() throws Exception {
      EllipticCurveJsonWebKey ec = EcJwkGenerator.generateJwk(EllipticCurves.P256);
      ec.setKeyId("ec-1");
      String ecPrivate = ec.toJson(JsonWebKey.OutputControlLevel.INCLUDE_PRIVATE);
      Statement st = approve("alice");
      String token = ProofSigner.issueJws("idp", ecPrivate, st);

      JsonWebSignature parsed = new JsonWebSignature();
      parsed.setCompactSerialization(token);
      assertThat(parsed.getAlgorithmHeaderValue()).isEqualTo("ES256");
      assertThat(parsed.getKeyIdHeaderValue()).isEqualTo("ec-1");
      ProofVerdict v =
          ProofVerifier.verify(
              jws(token, st),
              st,
              policy("idp", edPublic, ProofSigner.publicJwk(ecPrivate)),
              NOW,
              DEADLINE);
      assertThat(v.verified()).as(v.problem()).isTrue();
    }

    @Test
    @DisplayName("the issuer's other, malformed keys do not stop a listed key from verifying")
    void malformedIssuerKeySkipped() {
      Statement st = approve("alice");
      String token = ProofSigner.issueJws("idp", edPrivate, st);
      assertThat(
              ProofVerifier.verify(
                      jws(token, st), st, policy("idp", "{not json", edPublic), NOW, DEADLINE)
                  .verified())
          .isTrue();
      assertRefused(
          ProofVerifier.verify(jws(token, st), st, policy("idp", "{not json"), NOW, DEADLINE),
          "no usable public keys");
    }

    @Test
    @DisplayName("an alg none token is refused naming the alg")
    void algNoneRefused() {
      Statement st = approve("alice");
      Base64.Encoder b64 = Base64.getUrlEncoder().withoutPadding();
      String payload = claimsFor(st).toJson();
      String token =
          b64.encodeToString("{\"alg\":\"none\"}".getBytes(StandardCharsets.UTF_8))
              + "."
              + b64.encodeToString(payload.getBytes(StandardCharsets.UTF_8))
              + ".";

      assertRefused(
          ProofVerifier.verify(jws(token, st), st, policy("idp", edPublic), NOW, DEADLINE),
          "alg 'none'");
    }

    @Test
    @DisplayName(
        "an HS256 token keyed with the issuer's public key (JWK JSON or raw bytes) is refused")
    void hmacConfusionRefused() throws Exception {
      Statement st = approve("alice");
      OctetKeyPairJsonWebKey pub = (OctetKeyPairJsonWebKey) JsonWebKey.Factory.newJwk(edPublic);
      byte[] x =
          Base64.getUrlDecoder()
              .decode((String) pub.toParams(JsonWebKey.OutputControlLevel.PUBLIC_ONLY).get("x"));
      List<byte[]> secrets =
          List.of(edPublic.getBytes(StandardCharsets.UTF_8), x, pub.getPublicKey().getEncoded());
      for (byte[] secret : secrets) {
        JsonWebSignature hs = new JsonWebSignature();
        hs.setPayload(claimsFor(st).toJson());
        hs.setAlgorithmHeaderValue(AlgorithmIdentifiers.HMAC_SHA256);
        hs.setKey(new HmacKey(secret));
        hs.setDoKeyValidation(false);

        assertRefused(
            ProofVerifier.verify(
                jws(hs.getCompactSerialization(), st), st, policy("idp", edPublic), NOW, DEADLINE),
            "alg 'HS256' is not allowed");
      }
    }

    @Test
    @DisplayName("a token from an issuer the policy does not trust is refused naming the issuer")
    void unknownIssuerRefused() {
      Statement st = approve("alice");
      String token = ProofSigner.issueJws("evil-idp", edPrivate, st);

      assertRefused(
          ProofVerifier.verify(jws(token, st), st, policy("idp", edPublic), NOW, DEADLINE),
          "issuer 'evil-idp' is not a trusted issuer");
    }

    @Test
    @DisplayName("a token in a trusted issuer's name but signed by another key is refused")
    void otherKeyRefused() {
      Statement st = approve("alice");
      String sameKid = ProofSigner.issueJws("idp", ProofSigner.newEd25519Jwk("ed-1"), st);
      String noKid = ProofSigner.issueJws("idp", ProofSigner.newEd25519Jwk(null), st);

      assertRefused(
          ProofVerifier.verify(jws(sameKid, st), st, policy("idp", edPublic), NOW, DEADLINE),
          "bad signature");
      assertRefused(
          ProofVerifier.verify(jws(noKid, st), st, policy("idp", edPublic), NOW, DEADLINE),
          "bad signature");
    }

    @Test
    @DisplayName("an expired token is refused as expired")
    void expiredRefused() {
      Statement st = approve("alice");
      String token = ProofSigner.issueJws("idp", edPrivate, st);
      long later = Instant.parse(EXPIRES).toEpochMilli() + 120_000;

      assertRefused(
          ProofVerifier.verify(jws(token, st), st, policy("idp", edPublic), later, 0), "expired");
    }

    @Test
    @DisplayName(
        "a token whose own exp has passed is refused even if the proof's times are current")
    void tokenExpRefused() throws Exception {
      Statement st = approve("alice");
      JwtClaims claims = claimsFor(st);
      claims.setExpirationTime(
          NumericDate.fromSeconds(Instant.parse("2026-11-30T19:02:00Z").getEpochSecond()));
      String token = signClaims(edPrivate, AlgorithmIdentifiers.EDDSA, claims);

      assertRefused(
          ProofVerifier.verify(jws(token, st), st, policy("idp", edPublic), NOW, DEADLINE),
          "token expired");
    }

    @Test
    @DisplayName("a token for another subject is refused naming the subject")
    void otherSubjectRefused() throws Exception {
      Statement st = approve("alice");
      JwtClaims claims = claimsFor(st);
      claims.setSubject("bob");
      String token = signClaims(edPrivate, AlgorithmIdentifiers.EDDSA, claims);

      assertRefused(
          ProofVerifier.verify(jws(token, st), st, policy("idp", edPublic), NOW, DEADLINE),
          "subject 'bob' is not 'alice'");
    }

    @Test
    @DisplayName("a token signed for another statement is refused")
    void otherStatementRefused() {
      Statement st = approve("alice");
      String token = ProofSigner.issueJws("idp", edPrivate, approve("alice", "something else"));

      assertRefused(
          ProofVerifier.verify(jws(token, st), st, policy("idp", edPublic), NOW, DEADLINE),
          "signed for another statement");
    }

    @Test
    @DisplayName(
        "a token whose iat or exp differ from the proof's times, or that lacks the statement claim, is refused")
    void claimMismatchesRefused() throws Exception {
      Statement st = approve("alice");
      JwtClaims earlier = claimsFor(st);
      earlier.setIssuedAt(NumericDate.fromSeconds(Instant.parse(ISSUED).getEpochSecond() - 30));
      JwtClaims noStatement = claimsFor(st);
      noStatement.unsetClaim("interlock_statement");
      JwtClaims noSub = claimsFor(st);
      noSub.unsetClaim("sub");

      assertRefused(
          ProofVerifier.verify(
              jws(signClaims(edPrivate, "EdDSA", earlier), st),
              st,
              policy("idp", edPublic),
              NOW,
              DEADLINE),
          "iat");
      assertRefused(
          ProofVerifier.verify(
              jws(signClaims(edPrivate, "EdDSA", noStatement), st),
              st,
              policy("idp", edPublic),
              NOW,
              DEADLINE),
          "no interlock_statement");
      assertRefused(
          ProofVerifier.verify(
              jws(signClaims(edPrivate, "EdDSA", noSub), st),
              st,
              policy("idp", edPublic),
              NOW,
              DEADLINE),
          "no sub");
    }

    @Test
    @DisplayName("malformed tokens are refused as malformed")
    void malformedRefused() {
      Statement st = approve("alice");
      ProofPolicy p = policy("idp", edPublic);
      assertRefused(
          ProofVerifier.verify(jws("not-a-token", st), st, p, NOW, DEADLINE), "malformed token");
      assertRefused(
          ProofVerifier.verify(jws("a.b.c", st), st, p, NOW, DEADLINE), "malformed token");
      String jwe = "eyJhbGciOiJkaXIiLCJlbmMiOiJBMTI4R0NNIn0..aaaa.bbbb.cccc";
      assertRefused(ProofVerifier.verify(jws(jwe, st), st, p, NOW, DEADLINE), "JWE");
    }

    @Test
    @DisplayName("the same token gives the same verdict twice")
    void deterministic() {
      Statement st = approve("alice");
      String token = ProofSigner.issueJws("idp", edPrivate, st);
      ProofPolicy p = policy("idp", edPublic);

      assertThat(ProofVerifier.verify(jws(token, st), st, p, NOW, DEADLINE))
          .isEqualTo(ProofVerifier.verify(jws(token, st), st, p, NOW, DEADLINE));
      String forged = ProofSigner.issueJws("idp", ProofSigner.newEd25519Jwk("ed-1"), st);
      assertThat(ProofVerifier.verify(jws(forged, st), st, p, NOW, DEADLINE))
          .isEqualTo(ProofVerifier.verify(jws(forged, st), st, p, NOW, DEADLINE));
    }

    @Test
    @DisplayName("ProofSigner refuses keys it cannot issue with")
    void signerRefusesUnsupportedKeys() throws Exception {
      EllipticCurveJsonWebKey p384 = EcJwkGenerator.generateJwk(EllipticCurves.P384);
      String p384Private = p384.toJson(JsonWebKey.OutputControlLevel.INCLUDE_PRIVATE);

      assertThatThrownBy(() -> ProofSigner.issueJws("idp", p384Private, approve("alice")))
          .isInstanceOf(IllegalArgumentException.class);
      assertThatThrownBy(() -> ProofSigner.issueJws("idp", edPublic, approve("alice")))
          .isInstanceOf(IllegalArgumentException.class);
    }
  }
}
