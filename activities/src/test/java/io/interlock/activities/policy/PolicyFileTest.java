package io.interlock.activities.policy;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

@DisplayName(
    "Policy file: loads the bundled example, refuses broken files with file + field + problem")
class PolicyFileTest {
  private static final Path BROKEN = Path.of("src/test/resources/policy/broken");

  @Test
  @DisplayName(
      "given the bundled example, should load dev, staging and prod with groups and a sha256 version")
  void givenBundledExample_shouldLoad() {
    PolicyFile policy = PolicyFile.loadDefault();

    assertThat(policy.environments()).containsOnlyKeys("dev", "staging", "prod");
    assertThat(policy.groups())
        .containsEntry("sre", List.of("alice", "bob"))
        .containsEntry("sre-leads", List.of("carol"))
        .containsEntry("developers", List.of("dave"));
    assertThat(policy.reviewers().groups()).containsExactly("sre-leads");
    assertThat(policy.version()).matches("sha256:[0-9a-f]{64}");
    assertThat(policy.shortVersion()).hasSize(12);
    EnvironmentPolicy staging = policy.environment("staging").orElseThrow();
    assertThat(staging.allowedNamespaces()).containsExactly("shop", "payments");
    assertThat(staging.approvals().groups()).containsExactly("sre");
    assertThat(staging.approvals().required()).isEqualTo(1);
    EnvironmentPolicy prod = policy.environment("prod").orElseThrow();
    assertThat(prod.approvals().required()).isEqualTo(2);
    assertThat(prod.breakGlass().groups()).containsExactly("sre-leads");
    assertThat(prod.credentials().ref()).isEqualTo("env:PROD_KUBECONFIG");
    assertThat(prod.allowedClusterScopedKinds()).containsExactly("Node");
    assertThat(prod.freezeWindows())
        .extracting(FreezeWindow::id)
        .containsExactly("black-friday", "weekend", "nightly-batch");
    assertThat(prod.rules())
        .extracting(CelRule::id)
        .containsExactly("max-replicas", "delete-needs-two");
    assertThat(prod.approvals().batch())
        .isEqualTo(new io.interlock.contract.values.BatchPolicy(10, false));
  }

  @Test
  @DisplayName(
      "given deploy/policy/interlock-policy.yaml, should be the same bytes (same version) as the classpath default")
  void givenDeployCopy_shouldEqualClasspathDefault() {
    PolicyFile fromDeploy = PolicyFile.load(Path.of("../deploy/policy/interlock-policy.yaml"));
    assertThat(fromDeploy.version()).isEqualTo(PolicyFile.loadDefault().version());
  }

  @Test
  @DisplayName("given a one-byte edit, should get another version")
  void givenEdit_shouldChangeVersion() throws Exception {
    byte[] bytes = Files.readAllBytes(Path.of("../deploy/policy/interlock-policy.yaml"));
    byte[] edited =
        (new String(bytes, StandardCharsets.UTF_8) + "\n# edited\n")
            .getBytes(StandardCharsets.UTF_8);
    assertThat(PolicyFile.parse("edited.yaml", edited).version())
        .isNotEqualTo(PolicyFile.parse("orig.yaml", bytes).version());
  }

  static Stream<Arguments> brokenFiles() {
    return Stream.of(
        Arguments.of(
            "unknown-timezone.yaml",
            "environments.prod.freezeWindows[1].timezone",
            "unknown time zone 'Europe/Berlinn'"),
        Arguments.of(
            "unknown-field.yaml",
            "environments.staging.allowedNamespace",
            "unknown field 'allowedNamespace'"),
        Arguments.of(
            "bad-cron.yaml",
            "environments.prod.freezeWindows[0].schedule",
            "bad cron: hour value 25 is outside 0-23"),
        Arguments.of(
            "cel-compile-error.yaml",
            "environments.prod.rules[0].expression",
            "rule 'max-replicas' does not compile"),
        Arguments.of("duplicate-environment.yaml", "environments", "duplicate key 'prod'"),
        Arguments.of(
            "zero-approvals.yaml",
            "environments.staging.approvals.required",
            "must be between 1 and 100, got 0"),
        Arguments.of(
            "batch-too-large.yaml",
            "environments.staging.approvals.batch.maxEntries",
            "must be between 1 and 100, got 101"),
        Arguments.of(
            "batch-unknown-field.yaml",
            "environments.staging.approvals.batch.max",
            "unknown field 'max'"),
        Arguments.of(
            "unknown-group.yaml",
            "environments.prod.approvals.groups[1]",
            "unknown group 'sre-lead'"),
        Arguments.of(
            "unknown-reviewer-group.yaml", "reviewers.groups[0]", "unknown group 'auditor'"),
        Arguments.of(
            "inline-credential.yaml",
            "environments.prod.credentials.ref",
            "must name a credential as env:VARIABLE or file:/path"),
        Arguments.of(
            "two-clusters.yaml",
            "environments.prod.cluster",
            "set exactly one of simulated: true, kubeconfigContext: NAME, inCluster: true"),
        Arguments.of(
            "wildcard-namespace.yaml",
            "environments.prod.allowedNamespaces[0]",
            "list each namespace explicitly (no wildcards)"));
  }

  @ParameterizedTest(name = "given {0}, should name {1}")
  @MethodSource("brokenFiles")
  @DisplayName(
      "given a broken policy file, should refuse it naming the file, the field and the problem")
  void givenBrokenFile_shouldNameFileFieldAndProblem(String file, String field, String problem) {
    Path path = BROKEN.resolve(file);
    assertThatThrownBy(() -> PolicyFile.load(path))
        .isInstanceOf(PolicyException.class)
        .hasMessageContaining(path.toString())
        .hasMessageContaining(field)
        .hasMessageContaining(problem);
  }

  @Test
  @DisplayName("given a broken file, should not leak the would-be credential into the message")
  void givenInlineCredential_shouldRefuseWithoutEchoingMoreThanTheRef() {
    assertThatThrownBy(() -> PolicyFile.load(BROKEN.resolve("inline-credential.yaml")))
        .isInstanceOf(PolicyException.class)
        .satisfies(e -> assertThat(((PolicyException) e).problems()).hasSize(1));
  }

  @Test
  @DisplayName(
      "given no reviewers block, should have no reviewers; given an empty one, should say to name groups")
  void givenReviewers_shouldBeOptionalButNeverEmpty() {
    String base =
        """
        groups: {sre: [alice]}
        environments:
          qa:
            cluster: {simulated: true}
            allowedTools: ["*"]
            approvals: {groups: [sre], required: 1}
        """;
    assertThat(PolicyFile.parse("none.yaml", base.getBytes(StandardCharsets.UTF_8)).reviewers())
        .isEqualTo(Reviewers.NONE);
    assertThatThrownBy(
            () ->
                PolicyFile.parse(
                    "empty.yaml",
                    ("reviewers: {groups: []}\n" + base).getBytes(StandardCharsets.UTF_8)))
        .isInstanceOf(PolicyException.class)
        .hasMessageContaining("reviewers.groups: name the groups that may read every task");
    assertThatThrownBy(
            () ->
                PolicyFile.parse(
                    "typo.yaml",
                    ("reviewers: {group: [sre]}\n" + base).getBytes(StandardCharsets.UTF_8)))
        .isInstanceOf(PolicyException.class)
        .hasMessageContaining("reviewers.group");
  }

  @Test
  @DisplayName("given several problems, should list each of them")
  void givenSeveralProblems_shouldListAll() {
    String yaml =
        """
        environments:
          qa:
            cluster: {simulated: true}
            allowedTools: []
            approvals: {groups: [nobody], required: 1}
            verifyBudgetSeconds: -5
        """;
    assertThatThrownBy(() -> PolicyFile.parse("inline.yaml", yaml.getBytes(StandardCharsets.UTF_8)))
        .isInstanceOf(PolicyException.class)
        .hasMessageContaining("inline.yaml")
        .hasMessageContaining("environments.qa.allowedTools: allows no tool")
        .hasMessageContaining("environments.qa.approvals.groups[0]: unknown group 'nobody'")
        .hasMessageContaining("environments.qa.verifyBudgetSeconds: must be at least 0, got -5");
  }

  @Test
  @DisplayName(
      "given broken identities (a non-key line, a private JWK, an issuer without keys, an unknown proof mode), should name each field")
  void givenBrokenIdentities_shouldNameEachField() {
    String yaml =
        """
        groups: {sre: [alice]}
        identities:
          sshKeys:
            alice: ["not a key", "ssh-ed25519 AAAAC3NzaC1lZDI1NTE5AAAAIN1oycvkJfhDB6N/bU9rwSK+shRnnc1GTzWyV5W/TzPY alice"]
          issuers:
            leaky: {jwks: [{kty: OKP, crv: Ed25519, x: "11qYAYKxCrfVS_7TyWQHOg7hcvPapiMlrwIaaPcHURo", d: "nWGxne_9WmC6hEr0kuwsxERJxWl7MmkZcDusAxyuf2A"}]}
            empty: {}
          maxProofSeconds: 0
          tokens: []
        environments:
          qa:
            cluster: {simulated: true}
            allowedTools: ["*"]
            approvals: {groups: [sre], required: 1, proof: maybe}
            requests: {proof: sometimes}
        """;
    assertThatThrownBy(() -> PolicyFile.parse("ids.yaml", yaml.getBytes(StandardCharsets.UTF_8)))
        .isInstanceOf(PolicyException.class)
        .hasMessageContaining("identities.sshKeys.alice[0]: not an SSH public key line")
        .hasMessageContaining("identities.issuers.leaky.jwks[0]: must be a public JWK")
        .hasMessageContaining("identities.issuers.empty: give the issuer's public keys")
        .hasMessageContaining("identities.maxProofSeconds: must be between 1 and 86400")
        .hasMessageContaining("identities.tokens: unknown field")
        .hasMessageContaining("environments.qa.approvals.proof: 'maybe' is not a proof mode")
        .hasMessageContaining("environments.qa.requests.proof: 'sometimes' is not a proof mode");
  }

  @Test
  @DisplayName(
      "given the bundled policy, every environment requires approval proofs and prod requires requester proofs")
  void bundledPolicyRequiresProofs() {
    PolicyFile policy = PolicyFile.loadDefault();
    assertThat(policy.environments().values())
        .allSatisfy(e -> assertThat(e.approvals().proof()).isEqualTo("required"));
    assertThat(policy.environment("prod").orElseThrow().requestProof()).isEqualTo("required");
    assertThat(policy.identities().issuers()).containsKey("interlock-api");
  }

  @Test
  @DisplayName("given a missing file, should say it cannot be read")
  void givenMissingFile_shouldSaySo() {
    assertThatThrownBy(() -> PolicyFile.load(Path.of("no/such/policy.yaml")))
        .isInstanceOf(PolicyException.class)
        .hasMessageContaining("no/such/policy.yaml")
        .hasMessageContaining("cannot read the file");
  }

  @Test
  @DisplayName("given a time written without quotes, should still read it as a time of day")
  void givenUnquotedTime_shouldLoad() {
    PolicyFile policy = PolicyFile.load(Path.of("src/test/resources/policy/unquoted-time.yaml"));
    assertThat(policy.environment("prod").orElseThrow().freezeWindows()).hasSize(1);
  }
}
