package io.interlock.gate;

import io.interlock.contract.commands.Approval;
import io.interlock.contract.commands.Decision;
import io.interlock.contract.commands.Rejection;
import io.interlock.contract.values.ApprovalProof;
import io.interlock.contract.views.StepView;
import io.interlock.workflows.AgentTask;
import io.interlock.workflows.proof.ProofSigner;
import io.interlock.workflows.proof.Statement;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

/**
 * Real identities for the gate tests: a test issuer's Ed25519 JWK made for this JVM, and SSH keys
 * made by Debian's {@code ssh-keygen} for the policy's users. Nothing is committed: each run makes
 * its own keys and writes them into a copy of the test policy.
 */
final class TestIdentities {
  static final String ISSUER = "test-idp";
  static final List<String> USERS = List.of("alice", "bob", "carol", "dave", "agent:bot");

  private static final String ISSUER_KEY = ProofSigner.newEd25519Jwk("test-idp-1");
  private static Path sshDir;
  private static final Map<String, Path> SSH_KEYS = new LinkedHashMap<>();

  private TestIdentities() {}

  static String issuerPrivateJwk() {
    return ISSUER_KEY;
  }

  /**
   * A copy of {@code policy} with an {@code identities} block trusting the test issuer and the
   * users' keys.
   */
  static synchronized Path policyWithIdentities(Path policy) {
    try {
      StringBuilder y = new StringBuilder(Files.readString(policy));
      y.append("\nidentities:\n  issuers:\n    ")
          .append(ISSUER)
          .append(":\n      jwks:\n        - ")
          .append(ProofSigner.publicJwk(ISSUER_KEY))
          .append("\n  sshKeys:\n");
      for (String user : USERS) {
        y.append("    \"")
            .append(user)
            .append("\": [\"")
            .append(Files.readString(pub(user)).strip())
            .append("\"]\n");
      }
      Path out = Files.createTempFile("gate-policy-", ".yaml");
      Files.writeString(out, y.toString());
      out.toFile().deleteOnExit();
      return out;
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  /** The user's SSH private key, made once per JVM with {@code ssh-keygen -t ed25519}. */
  static synchronized Path sshKey(String user) {
    return SSH_KEYS.computeIfAbsent(
        user,
        u -> {
          try {
            if (sshDir == null) {
              sshDir = Files.createTempDirectory("gate-ssh-");
            }
            Path key = sshDir.resolve(u.replace(':', '_'));
            run(
                List.of(
                    "ssh-keygen", "-q", "-t", "ed25519", "-N", "", "-C", u, "-f", key.toString()),
                null);
            return key;
          } catch (IOException e) {
            throw new UncheckedIOException(e);
          }
        });
  }

  static Path pub(String user) {
    return sshKey(user).resolveSibling(sshKey(user).getFileName() + ".pub");
  }

  static Instant now() {
    return Instant.now().truncatedTo(ChronoUnit.SECONDS);
  }

  static Statement decision(
      String taskRunId,
      StepView step,
      String approver,
      boolean approve,
      String text,
      String breakGlass,
      Instant issued,
      Instant expires) {
    return Statement.decision(
        taskRunId,
        step.stepId(),
        step.callHash(),
        approver,
        approve,
        text,
        breakGlass,
        issued.toString(),
        expires.toString());
  }

  /** A JWS from the test issuer over the statement. */
  static ApprovalProof jws(Statement statement) {
    return ApprovalProof.jws(
        ProofSigner.issueJws(ISSUER, ISSUER_KEY, statement),
        statement.issuedAt(),
        statement.expiresAt());
  }

  /**
   * {@code ssh-keygen -Y sign -n interlock-approval -f KEY} over the statement, with {@code user}'s
   * key.
   */
  static ApprovalProof ssh(String user, Statement statement) {
    return ApprovalProof.ssh(
        sshSign(sshKey(user), Statement.SSH_NAMESPACE, statement.canonical()),
        statement.issuedAt(),
        statement.expiresAt());
  }

  static String sshSign(Path key, String namespace, String text) {
    return run(
            List.of("ssh-keygen", "-q", "-Y", "sign", "-n", namespace, "-f", key.toString()), text)
        .strip();
  }

  static Approval approval(
      AgentTask task, StepView step, String approver, String comment, String breakGlass) {
    Statement st =
        decision(
            task.status().taskRunId(),
            step,
            approver,
            true,
            comment,
            breakGlass,
            now(),
            now().plusSeconds(600));
    return new Approval(step.stepId(), step.callHash(), approver, comment, breakGlass, jws(st));
  }

  static Rejection rejection(AgentTask task, StepView step, String approver, String reason) {
    Statement st =
        decision(
            task.status().taskRunId(),
            step,
            approver,
            false,
            reason,
            null,
            now(),
            now().plusSeconds(600));
    return new Rejection(step.stepId(), step.callHash(), approver, reason, jws(st));
  }

  static Decision decide(
      AgentTask task, StepView step, String approver, boolean approve, String comment) {
    Statement st =
        decision(
            task.status().taskRunId(),
            step,
            approver,
            approve,
            comment,
            null,
            now(),
            now().plusSeconds(600));
    return new Decision(step.stepId(), step.callHash(), approver, approve, comment, null, jws(st));
  }

  private static String run(List<String> command, String stdin) {
    try {
      Process p = new ProcessBuilder(command).redirectErrorStream(false).start();
      if (stdin != null) {
        p.getOutputStream().write(stdin.getBytes(StandardCharsets.UTF_8));
      }
      p.getOutputStream().close();
      String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
      String err = new String(p.getErrorStream().readAllBytes(), StandardCharsets.UTF_8);
      if (!p.waitFor(30, TimeUnit.SECONDS) || p.exitValue() != 0) {
        throw new IllegalStateException(command + " failed: " + err);
      }
      return out;
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException(e);
    }
  }
}
