package io.interlock.worker.audit;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.interlock.contract.values.ApprovalProof;
import io.interlock.contract.values.ProofPolicy;
import io.interlock.contract.values.ProofVerdict;
import io.interlock.worker.audit.AuditVerification.Findings;
import io.interlock.worker.audit.AuditVerification.ProofStatus;
import io.interlock.worker.audit.AuditVerification.SignatureStatus;
import io.interlock.worker.cli.InterlockCli;
import io.interlock.workflows.proof.ProofSigner;
import io.interlock.workflows.proof.Statement;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.Map;
import java.util.function.Consumer;
import java.util.stream.Stream;
import org.jose4j.jwa.AlgorithmConstraints;
import org.jose4j.jwk.EcJwkGenerator;
import org.jose4j.jwk.JsonWebKey;
import org.jose4j.jwk.PublicJsonWebKey;
import org.jose4j.jws.AlgorithmIdentifiers;
import org.jose4j.jws.JsonWebSignature;
import org.jose4j.keys.EllipticCurves;
import org.jose4j.keys.HmacKey;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * Signed audit exports and their offline verification ({@link AuditSigner}, {@link
 * AuditVerification}), on reports built from the committed histories of real tasks. Those were
 * recorded before approval proofs existed, so where a proof is needed the test adds one to the
 * recorded decision (the payload the server received and the verdict the workflow recorded), signed
 * by a test issuer.
 */
class AuditSignatureTest {
  private static final Path HISTORIES =
      Path.of("../workflows/src/test/resources/histories/dev-server");
  private static final Path APPROVED = HISTORIES.resolve("rest-approval-with-refusals.json");
  private static final Path REJECTED =
      HISTORIES.resolve("self-approval-refused-then-rejected.json");

  /** The gate tests' histories (activities/), read in place as HistoryFixturesTest does. */
  private static final Path GATE_HISTORIES =
      Path.of("../workflows/src/test/resources/histories/gate");

  private static final ObjectMapper JSON = new ObjectMapper();
  private static final String ISSUER = "test-issuer";
  private static final Instant AT = Instant.parse("2026-11-21T09:10:00Z");

  private static String auditKey;
  private static String otherAuditKey;
  private static String issuerKey;
  private static ProofPolicy identities;

  @TempDir Path tmp;

  @BeforeAll
  static void keys() {
    auditKey = ProofSigner.newEd25519Jwk("audit-test");
    otherAuditKey = ProofSigner.newEd25519Jwk("audit-other");
    issuerKey = ProofSigner.newEd25519Jwk("issuer-test");
    identities =
        new ProofPolicy(
            ProofPolicy.REQUIRED,
            Map.of(),
            Map.of(ISSUER, List.of(ProofSigner.publicJwk(issuerKey))),
            3600);
  }

  // ------------------------------------------------------------------------------------------------

  @Test
  @DisplayName("given a real task's report with a proven approval, signed, every check passes")
  void signedReportVerifies() throws IOException {
    ObjectNode signed = sign(auditKey, provenApproval(APPROVED, null, null));

    Findings f = check(signed, auditKey);

    assertThat(f.signature().status()).as(f.signature().line()).isEqualTo(SignatureStatus.OK);
    assertThat(f.signature().keyId()).isEqualTo("audit-test");
    assertThat(f.signature().alg()).isEqualTo("EdDSA");
    assertThat(f.chain().intact()).as(f.chain().problems().toString()).isTrue();
    assertThat(f.proofs())
        .singleElement()
        .satisfies(
            p -> {
              assertThat(p.status()).as(p.line()).isEqualTo(ProofStatus.VERIFIED);
              assertThat(p.label()).isEqualTo("verified (issuer " + ISSUER + ")");
              assertThat(p.approver()).isEqualTo("alice");
            });
    assertThat(f.ok()).isTrue();
    JsonNode s = signed.path("signature");
    assertThat(s.path("head").asText()).isEqualTo(signed.path("chain").path("head").asText());
    assertThat(s.path("jws").asText().split("\\.")).hasSize(3);
    assertThat(
            JSON.readTree(Base64.getUrlDecoder().decode(s.path("jws").asText().split("\\.")[1]))
                .path("report")
                .asText())
        .isEqualTo(AuditSigner.digest(signed));
  }

  @Test
  @DisplayName(
      "given a proven rejection (update decide, its comment is the reason), the proof re-verifies offline")
  void provenRejectionVerifies() throws IOException {
    Findings f = check(sign(auditKey, provenRejection(REJECTED)), auditKey);

    assertThat(f.proofs())
        .singleElement()
        .satisfies(
            p -> {
              assertThat(p.decision()).isEqualTo("reject");
              assertThat(p.status()).as(p.line()).isEqualTo(ProofStatus.VERIFIED);
            });
    assertThat(f.ok()).isTrue();
  }

  @Test
  @DisplayName("given a P-256 audit key, the report is signed ES256 and verifies")
  void es256() throws Exception {
    String ec =
        EcJwkGenerator.generateJwk(EllipticCurves.P256)
            .toJson(JsonWebKey.OutputControlLevel.INCLUDE_PRIVATE);

    Findings f = check(sign(ec, provenApproval(APPROVED, null, null)), ec);

    assertThat(f.signature().alg()).isEqualTo("ES256");
    assertThat(f.signature().status()).as(f.signature().line()).isEqualTo(SignatureStatus.OK);
    assertThat(f.ok()).isTrue();
  }

  static Stream<Arguments> edits() {
    return Stream.of(
        Arguments.of(
            "the approver's name",
            (Consumer<ObjectNode>) r -> accepted(r).put("approver", "carol")),
        Arguments.of(
            "the approver's name in the recorded payload",
            (Consumer<ObjectNode>)
                r -> ((ObjectNode) accepted(r).path("payload")).put("approver", "carol")),
        Arguments.of(
            "the comment",
            (Consumer<ObjectNode>) r -> accepted(r).put("comment", "rubber-stamped")),
        Arguments.of(
            "the decision's timestamp",
            (Consumer<ObjectNode>) r -> accepted(r).put("at", "2026-11-21T09:08:36.000Z")),
        Arguments.of(
            "the last entry's timestamp",
            (Consumer<ObjectNode>)
                r ->
                    ((ObjectNode) r.path("entries").get(r.path("entries").size() - 1))
                        .put("at", "2026-12-01T00:00:00Z")),
        Arguments.of(
            "the task's requester",
            (Consumer<ObjectNode>)
                r ->
                    ((ObjectNode) r.path("entries").get(0).path("detail"))
                        .put("requester", "mallory")));
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("edits")
  @DisplayName(
      "given an edit anywhere in a signed report, both the signature and the hash chain detect it")
  void editsAreDetected(String what, Consumer<ObjectNode> edit) throws IOException {
    ObjectNode report = sign(auditKey, provenApproval(APPROVED, null, null));
    edit.accept(report);

    Findings f = check(report, auditKey);

    assertThat(f.signature().status()).as(what).isEqualTo(SignatureStatus.FAILED);
    assertThat(f.signature().problem()).contains("changed after it was signed");
    assertThat(f.chain().intact()).as(what).isFalse();
    assertThat(f.ok()).isFalse();
  }

  @Test
  @DisplayName("given an edit whose hash chain is recomputed, the signature still detects it")
  void rechainedEditIsDetectedBySignature() throws IOException {
    ObjectNode report = sign(auditKey, provenApproval(APPROVED, null, null));
    accepted(report).put("approver", "carol");
    List<ObjectNode> entries = new ArrayList<>();
    report.path("entries").forEach(e -> entries.add((ObjectNode) e));
    ((ObjectNode) report.path("chain")).put("head", HashChain.link(entries));
    ((ObjectNode) report.path("signature")).put("head", report.path("chain").path("head").asText());

    Findings f = check(report, auditKey);

    assertThat(f.chain().intact()).isTrue();
    assertThat(f.signature().status()).isEqualTo(SignatureStatus.FAILED);
    assertThat(f.ok()).isFalse();
  }

  @Test
  @DisplayName("given a report signed with another key, the signature fails against the audit key")
  void otherKeyFails() throws IOException {
    Findings f = check(sign(otherAuditKey, provenApproval(APPROVED, null, null)), auditKey);

    assertThat(f.signature().status()).isEqualTo(SignatureStatus.FAILED);
    assertThat(f.signature().problem()).contains("does not verify with the audit key");
    assertThat(f.chain().intact()).isTrue();
    assertThat(f.ok()).isFalse();
  }

  @Test
  @DisplayName("given a signed report but no audit key to check it with, the signature fails")
  void noAuditKeyFails() throws IOException {
    ObjectNode signed = sign(auditKey, provenApproval(APPROVED, null, null));

    Findings f = AuditVerification.check(signed, List.of(), identities, false);

    assertThat(f.signature().status()).isEqualTo(SignatureStatus.FAILED);
    assertThat(f.signature().problem()).contains("--audit-key");
  }

  static Stream<Arguments> forgedAlgorithms() {
    return Stream.of(
        Arguments.of("none", "none"),
        Arguments.of("HS256", "HS256"),
        Arguments.of("none", "EdDSA"),
        Arguments.of("HS256", "EdDSA"));
  }

  @ParameterizedTest(name = "JWS alg {0}, signature.alg {1}")
  @MethodSource("forgedAlgorithms")
  @DisplayName(
      "given a signature with alg none or HS256 (keyed with the public key), it is refused")
  void weakAlgorithmsFail(String jwsAlg, String claimedAlg) throws Exception {
    ObjectNode report = (ObjectNode) JSON.readTree(provenApproval(APPROVED, null, null).toJson());
    String payload =
        "{\"report\":\""
            + AuditSigner.digest(report)
            + "\",\"head\":\""
            + report.path("chain").path("head").asText()
            + "\",\"iat\":"
            + AT.getEpochSecond()
            + "}";
    String token;
    if (jwsAlg.equals("none")) {
      Base64.Encoder b64 = Base64.getUrlEncoder().withoutPadding();
      token =
          b64.encodeToString(
                  "{\"alg\":\"none\",\"kid\":\"audit-test\"}".getBytes(StandardCharsets.UTF_8))
              + "."
              + b64.encodeToString(payload.getBytes(StandardCharsets.UTF_8))
              + ".";
    } else {
      // The classic confusion: the verifier's public key used as an HMAC secret.
      JsonWebSignature jws = new JsonWebSignature();
      jws.setAlgorithmConstraints(AlgorithmConstraints.NO_CONSTRAINTS);
      jws.setAlgorithmHeaderValue(AlgorithmIdentifiers.HMAC_SHA256);
      jws.setKeyIdHeaderValue("audit-test");
      jws.setPayload(payload);
      jws.setKey(new HmacKey(ProofSigner.publicJwk(auditKey).getBytes(StandardCharsets.UTF_8)));
      token = jws.getCompactSerialization();
    }
    report
        .putObject("signature")
        .put("alg", claimedAlg)
        .put("keyId", "audit-test")
        .put("signedAt", AT.toString())
        .put("head", report.path("chain").path("head").asText())
        .put("jws", token);

    Findings f = check(report, auditKey);

    assertThat(f.signature().status()).isEqualTo(SignatureStatus.FAILED);
    assertThat(f.signature().problem()).contains("is not accepted");
    assertThat(f.chain().intact()).isTrue();
    assertThat(f.ok()).isFalse();
  }

  @Test
  @DisplayName(
      "given a signed report whose signature was removed, it is reported UNSIGNED and fails unless unsigned is allowed")
  void removedSignatureIsUnsigned() throws IOException {
    ObjectNode report = sign(auditKey, provenApproval(APPROVED, null, null));
    report.remove("signature");

    Findings strict = check(report, auditKey);
    Findings lenient = AuditVerification.check(report, publicKeys(auditKey), identities, true);

    assertThat(strict.signature().status()).isEqualTo(SignatureStatus.UNSIGNED);
    assertThat(strict.signature().line()).startsWith("signature: UNSIGNED");
    assertThat(strict.chain().intact()).isTrue();
    assertThat(strict.ok()).isFalse();
    assertThat(lenient.signature().status()).isEqualTo(SignatureStatus.UNSIGNED);
    assertThat(lenient.ok()).isTrue();
  }

  @Test
  @DisplayName("given an approval whose proof was signed for another step, the proof check fails")
  void proofForAnotherStepFails() throws IOException {
    Findings f = check(sign(auditKey, provenApproval(APPROVED, "s2", null)), auditKey);

    assertThat(f.signature().status()).isEqualTo(SignatureStatus.OK);
    assertThat(f.chain().intact()).isTrue();
    assertThat(f.proofs())
        .singleElement()
        .satisfies(
            p -> {
              assertThat(p.status()).isEqualTo(ProofStatus.FAILED);
              assertThat(p.line()).contains("NOT VERIFIED");
            });
    assertThat(f.ok()).isFalse();
  }

  @Test
  @DisplayName(
      "given an approval whose proof was signed for another call hash, the proof check fails")
  void proofForAnotherHashFails() throws IOException {
    Findings f =
        check(sign(auditKey, provenApproval(APPROVED, null, "sha256:" + "1".repeat(64))), auditKey);

    assertThat(f.proofs())
        .singleElement()
        .satisfies(p -> assertThat(p.status()).isEqualTo(ProofStatus.FAILED));
    assertThat(f.proofsOk()).isFalse();
    assertThat(f.ok()).isFalse();
  }

  @Test
  @DisplayName(
      "given an approval accepted as an unverified claim, it is reported as such and counted, and the report passes")
  void unverifiedClaimIsReported() throws IOException {
    Findings f = check(sign(auditKey, claimedApproval(APPROVED)), auditKey);

    assertThat(f.proofs())
        .singleElement()
        .satisfies(
            p -> {
              assertThat(p.status()).isEqualTo(ProofStatus.CLAIM);
              assertThat(p.label()).isEqualTo("unverified claim");
            });
    assertThat(f.count(ProofStatus.CLAIM)).isEqualTo(1);
    assertThat(f.ok()).isTrue();
  }

  static Stream<Path> gateFixtures() throws IOException {
    try (Stream<Path> s = Files.list(GATE_HISTORIES)) {
      return s.filter(p -> p.toString().endsWith(".json")).sorted().toList().stream();
    }
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("gateFixtures")
  @DisplayName(
      "given a real history with recorded proofs, the statement rebuilt from each payload is the one the workflow verified")
  void rebuildsTheVerifiedStatement(Path history) throws IOException {
    JsonNode report = AuditReport.fromHistory(HistoryRuns.read(List.of(history))).toJsonTree();
    List<JsonNode> recorded = new ArrayList<>();
    report
        .path("entries")
        .forEach(
            e ->
                e.path("detail")
                    .path("approvals")
                    .forEach(
                        a -> {
                          if ("accepted".equals(a.path("outcome").asText())
                              && a.path("proof").path("verified").asBoolean()) {
                            recorded.add(a.path("proof"));
                          }
                        }));
    assertThat(recorded).as("proven approvals recorded in " + history).isNotEmpty();

    // The gate tests' issuer key lived only in their JVM: here no key verifies, but every
    // statement must be rebuilt exactly as the workflow built it.
    List<AuditVerification.ProofFinding> found = AuditVerification.proofs(report, identities);

    assertThat(found).hasSameSizeAs(recorded);
    for (int i = 0; i < found.size(); i++) {
      assertThat(found.get(i).statementDigest())
          .as(found.get(i).line())
          .isEqualTo(recorded.get(i).path("statementDigest").asText());
      assertThat(found.get(i).status()).isEqualTo(ProofStatus.FAILED);
    }
  }

  @Test
  @DisplayName(
      "given an accepted approval recorded before proofs existed, the proof check says there is none")
  void legacyApprovalWithoutProof() throws IOException {
    AuditReport r = report(rewrite(APPROVED, "APPROVAL", false, false, null, null, null));

    Findings f = check(AuditSigner.of(auditKey).sign(r.toJsonTree(), AT), auditKey);

    assertThat(f.signature().status()).isEqualTo(SignatureStatus.OK);
    assertThat(f.chain().intact()).isTrue();
    assertThat(f.proofs())
        .singleElement()
        .satisfies(
            p -> {
              assertThat(p.status()).isEqualTo(ProofStatus.FAILED);
              assertThat(p.label()).contains("no proof");
            });
  }

  @Test
  @DisplayName("given a signed report, its Markdown names the signing key")
  void markdownNamesTheKey() throws IOException {
    AuditReport r = provenApproval(APPROVED, null, null);

    assertThat(r.toMarkdown(AuditSigner.of(auditKey).keyId()))
        .contains("Signed by audit-test (verify the JSON export with `interlock audit verify`)");
    assertThat(r.toMarkdown()).doesNotContain("Signed by");
  }

  @Test
  @DisplayName(
      "given the CLI, 'audit --history --sign-key' exports a signed report and 'audit verify --audit-key' checks it")
  void cli() throws IOException {
    Path priv = tmp.resolve("audit.jwk");
    Path pub = tmp.resolve("audit.pub.jwk");
    Files.writeString(priv, auditKey);
    Files.writeString(pub, ProofSigner.publicJwk(auditKey));
    Path history = tmp.resolve("history.json");
    Files.writeString(history, claimedHistory(APPROVED));
    Path out = tmp.resolve("report.json");

    Cli export =
        cli(
            "audit",
            "--history",
            history.toString(),
            "--sign-key",
            "file:" + priv,
            "-o",
            out.toString());
    Cli verify = cli("audit", "verify", out.toString(), "--audit-key", pub.toString());

    assertThat(export.code).as(export.err).isZero();
    assertThat(JSON.readTree(Files.readString(out)).path("signature").path("keyId").asText())
        .isEqualTo("audit-test");
    assertThat(verify.code).as(verify.out + verify.err).isZero();
    assertThat(verify.out)
        .contains(
            "signature: OK (EdDSA, key audit-test",
            "chain: OK:",
            "unverified claim",
            "1 unverified claim(s)");

    ObjectNode edited = (ObjectNode) JSON.readTree(Files.readString(out));
    accepted(edited).put("approver", "carol");
    Files.writeString(out, JSON.writeValueAsString(edited));
    Cli tampered = cli("audit", "verify", out.toString(), "--audit-key", pub.toString());
    assertThat(tampered.code).isEqualTo(1);
    assertThat(tampered.out).contains("signature: FAILED", "TAMPERED");

    Cli reexport =
        cli(
            "audit",
            "--history",
            history.toString(),
            "--sign-key",
            "file:" + priv,
            "-o",
            out.toString());
    assertThat(reexport.code).isZero();
    Files.writeString(
        out,
        JSON.writeValueAsString(
            ((ObjectNode) JSON.readTree(Files.readString(out))).without("signature")));
    Cli unsigned = cli("audit", "verify", out.toString(), "--audit-key", pub.toString());
    assertThat(unsigned.out).contains("signature: UNSIGNED");
    assertThat(unsigned.code).isEqualTo(1);

    Cli missingKey =
        cli(
            "audit",
            "--history",
            history.toString(),
            "--sign-key",
            "file:" + tmp.resolve("nope.jwk"));
    assertThat(missingKey.code).isEqualTo(3);
  }

  // ------------------------------------------------------------------------------------------------

  private static Findings check(JsonNode report, String auditPrivateKey) {
    return AuditVerification.check(report, publicKeys(auditPrivateKey), identities, false);
  }

  private static List<PublicJsonWebKey> publicKeys(String privateJwk) {
    return AuditSigner.publicKeys(ProofSigner.publicJwk(privateJwk));
  }

  /** Signed, then read back as it would be from the exported file. */
  private static ObjectNode sign(String key, AuditReport r) throws IOException {
    return (ObjectNode)
        JSON.readTree(AuditSigner.pretty(AuditSigner.of(key).sign(r.toJsonTree(), AT)));
  }

  /** The one accepted decision of step s1. */
  private static ObjectNode accepted(JsonNode report) {
    for (JsonNode e : report.path("entries")) {
      if ("STEP".equals(e.path("kind").asText()) && "s1".equals(e.path("stepId").asText())) {
        for (JsonNode a : e.path("detail").path("approvals")) {
          if ("accepted".equals(a.path("outcome").asText())) {
            return (ObjectNode) a;
          }
        }
      }
    }
    throw new AssertionError("no accepted decision in the report");
  }

  /**
   * The fixture's accepted approval (alice, update decide), with a comment and a JWS proof from the
   * test issuer, as the API would now send it, and the verdict the workflow would record. {@code
   * proofStepId}/{@code proofHash} sign a statement for another step or call instead.
   */
  private static AuditReport provenApproval(Path fixture, String proofStepId, String proofHash)
      throws IOException {
    return report(
        rewrite(
            fixture,
            "APPROVAL",
            true,
            "scale-up matches the incident runbook",
            proofStepId,
            proofHash));
  }

  private static AuditReport provenRejection(Path fixture) throws IOException {
    return report(rewrite(fixture, "REJECTED", true, null, null, null));
  }

  private static AuditReport claimedApproval(Path fixture) throws IOException {
    return report(claimedHistory(fixture));
  }

  private static String claimedHistory(Path fixture) throws IOException {
    return rewrite(fixture, "APPROVAL", false, "fine", null, null);
  }

  private static AuditReport report(String history) throws IOException {
    Path f = Files.createTempFile("history", ".json");
    try {
      Files.writeString(f, history);
      return AuditReport.fromHistory(HistoryRuns.read(List.of(f)));
    } finally {
      Files.deleteIfExists(f);
    }
  }

  /**
   * Adds a proof (or, with {@code prove} false, the record of an unverified claim) to the decision
   * recorded as {@code kind}: to the decide update's payload, and to the audit marker's detail.
   */
  private static String rewrite(
      Path fixture,
      String kind,
      boolean prove,
      String comment,
      String proofStepId,
      String proofHash)
      throws IOException {
    return rewrite(fixture, kind, prove, !prove, comment, proofStepId, proofHash);
  }

  private static String rewrite(
      Path fixture,
      String kind,
      boolean prove,
      boolean claim,
      String comment,
      String proofStepId,
      String proofHash)
      throws IOException {
    ObjectNode h = (ObjectNode) JSON.readTree(Files.readString(fixture));
    String runId =
        h.path("events")
            .get(0)
            .path("workflowExecutionStartedEventAttributes")
            .path("originalExecutionRunId")
            .asText();
    ObjectNode marker = null;
    for (JsonNode e : h.path("events")) {
      if ("EVENT_TYPE_MARKER_RECORDED".equals(e.path("eventType").asText())) {
        JsonNode p =
            e.path("markerRecordedEventAttributes")
                .path("details")
                .path("data")
                .path("payloads")
                .path(0);
        if (p.has("data") && kind.equals(decode(p).path("kind").asText())) {
          marker = (ObjectNode) p;
        }
      }
    }
    assertThat(marker).as(kind + " marker in " + fixture).isNotNull();
    ObjectNode entry = decode(marker);
    ObjectNode detail = (ObjectNode) entry.path("detail");
    String updateId = detail.path("updateId").asText();
    ObjectNode update = null;
    for (JsonNode e : h.path("events")) {
      JsonNode req =
          e.path("workflowExecutionUpdateAcceptedEventAttributes").path("acceptedRequest");
      if (updateId.equals(req.path("meta").path("updateId").asText())) {
        update = (ObjectNode) req.path("input").path("args").path("payloads").path(0);
      }
    }
    assertThat(update).as("the update of " + kind).isNotNull();
    ObjectNode payload = decode(update);
    boolean approve = payload.path("approve").asBoolean();
    if (comment != null) {
      payload.put("comment", comment);
      detail.put(approve ? "comment" : "reason", comment);
    }
    String text = payload.path("comment").asText(null);
    Instant at = Instant.parse(entry.path("at").asText());
    String issuedAt = Instant.ofEpochSecond(at.getEpochSecond() - 60).toString();
    String expiresAt = Instant.ofEpochSecond(at.getEpochSecond() + 240).toString();
    Statement real =
        Statement.decision(
            runId,
            payload.path("stepId").asText(),
            payload.path("callHash").asText(),
            payload.path("approver").asText(),
            approve,
            text,
            null,
            issuedAt,
            expiresAt);
    if (prove) {
      Statement signed =
          Statement.decision(
              runId,
              proofStepId != null ? proofStepId : payload.path("stepId").asText(),
              proofHash != null ? proofHash : payload.path("callHash").asText(),
              payload.path("approver").asText(),
              approve,
              text,
              null,
              issuedAt,
              expiresAt);
      ApprovalProof proof =
          ApprovalProof.jws(ProofSigner.issueJws(ISSUER, issuerKey, signed), issuedAt, expiresAt);
      payload.set("proof", JSON.valueToTree(proof));
      // What the workflow recorded when it accepted it (a wrong-step proof would have been refused;
      // the record is made to claim otherwise, and offline verification must not take its word).
      detail.set(
          "proof",
          JSON.valueToTree(new ProofVerdict("jws", true, null, null, ISSUER, real.digest(), null)));
    } else if (claim) {
      payload.remove("proof");
      detail.set("proof", JSON.valueToTree(ProofVerdict.claim(real.digest())));
    } else {
      // As recorded before proofs existed: neither the payload nor the record carries one.
      payload.remove("proof");
      detail.remove("proof");
    }
    encode(update, payload);
    encode(marker, entry);
    return JSON.writerWithDefaultPrettyPrinter().writeValueAsString(h);
  }

  private static ObjectNode decode(JsonNode payload) {
    try {
      return (ObjectNode) JSON.readTree(Base64.getDecoder().decode(payload.path("data").asText()));
    } catch (IOException e) {
      throw new AssertionError(e);
    }
  }

  private static void encode(ObjectNode payload, JsonNode value) throws IOException {
    payload.put("data", Base64.getEncoder().encodeToString(JSON.writeValueAsBytes(value)));
  }

  private record Cli(int code, String out, String err) {}

  private static Cli cli(String... args) {
    StringWriter out = new StringWriter();
    StringWriter err = new StringWriter();
    int code =
        InterlockCli.run(
            new PrintWriter(out, true),
            new PrintWriter(err, true),
            new ByteArrayInputStream(new byte[0]),
            args);
    return new Cli(code, out.toString(), err.toString());
  }
}
