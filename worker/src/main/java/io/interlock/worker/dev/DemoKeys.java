package io.interlock.worker.dev;

import io.interlock.workflows.proof.ProofSigner;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.attribute.PosixFilePermissions;
import java.security.SecureRandom;
import java.util.ArrayList;
import java.util.Base64;
import java.util.Collection;
import java.util.List;
import org.bouncycastle.crypto.AsymmetricCipherKeyPair;
import org.bouncycastle.crypto.generators.Ed25519KeyPairGenerator;
import org.bouncycastle.crypto.params.Ed25519KeyGenerationParameters;
import org.bouncycastle.crypto.util.OpenSSHPrivateKeyUtil;
import org.bouncycastle.crypto.util.OpenSSHPublicKeyUtil;

/**
 * The dev server's demo keys, made once in their own folder so the walkthrough uses real proofs: an
 * Ed25519 SSH key per demo user ({@code alice_ed25519}, usable with {@code ssh-keygen -Y sign}), an
 * {@code allowed_signers} file listing them, and private + public JWKs of the API issuer and of the
 * audit signer. Existing files are kept, so keys survive restarts.
 */
public final class DemoKeys {
  public static final String ALLOWED_SIGNERS = "allowed_signers";
  public static final String API_KEY = "interlock-api.jwk";
  public static final String API_PUBLIC_KEY = "interlock-api.pub.jwk";
  public static final String AUDIT_KEY = "interlock-audit.jwk";
  public static final String AUDIT_PUBLIC_KEY = "interlock-audit.pub.jwk";

  private DemoKeys() {}

  /** Makes what is missing in {@code dir} for {@code users}; returns {@code dir}. */
  public static Path ensure(Path dir, Collection<String> users) {
    try {
      Files.createDirectories(dir);
      List<String> signers = new ArrayList<>();
      for (String user : users) {
        Path key = dir.resolve(sshKeyName(user));
        if (!Files.exists(key.resolveSibling(key.getFileName() + ".pub"))) {
          writeSshKey(key, user);
        }
        String pub = Files.readString(key.resolveSibling(key.getFileName() + ".pub")).strip();
        String[] parts = pub.split("\\s+");
        signers.add(user + " namespaces=\"interlock-approval\" " + parts[0] + " " + parts[1]);
      }
      writeIfChanged(dir.resolve(ALLOWED_SIGNERS), String.join("\n", signers) + "\n");
      jwkPair(dir, API_KEY, API_PUBLIC_KEY, "interlock-api-dev");
      jwkPair(dir, AUDIT_KEY, AUDIT_PUBLIC_KEY, "interlock-audit-dev");
      return dir;
    } catch (IOException e) {
      throw new UncheckedIOException("cannot write the demo keys in " + dir, e);
    }
  }

  public static String sshKeyName(String user) {
    return user.replaceAll("[^A-Za-z0-9._-]", "_") + "_ed25519";
  }

  private static void jwkPair(Path dir, String privateName, String publicName, String kid)
      throws IOException {
    Path priv = dir.resolve(privateName);
    if (!Files.exists(priv)) {
      writeNew(priv, ProofSigner.newEd25519Jwk(kid), true);
    }
    writeIfChanged(dir.resolve(publicName), ProofSigner.publicJwk(Files.readString(priv)));
  }

  private static void writeSshKey(Path file, String user) throws IOException {
    Ed25519KeyPairGenerator gen = new Ed25519KeyPairGenerator();
    gen.init(new Ed25519KeyGenerationParameters(new SecureRandom()));
    AsymmetricCipherKeyPair pair = gen.generateKeyPair();
    String body =
        Base64.getMimeEncoder(70, "\n".getBytes(StandardCharsets.US_ASCII))
            .encodeToString(OpenSSHPrivateKeyUtil.encodePrivateKey(pair.getPrivate()));
    writeNew(
        file,
        "-----BEGIN OPENSSH PRIVATE KEY-----\n" + body + "\n-----END OPENSSH PRIVATE KEY-----\n",
        true);
    String pub =
        "ssh-ed25519 "
            + Base64.getEncoder()
                .encodeToString(OpenSSHPublicKeyUtil.encodePublicKey(pair.getPublic()))
            + " "
            + user
            + "@interlock-dev\n";
    writeNew(file.resolveSibling(file.getFileName() + ".pub"), pub, false);
  }

  /** Written whole or not at all; an existing file is kept. */
  private static void writeNew(Path file, String text, boolean secret) throws IOException {
    Path tmp = Files.createTempFile(file.getParent(), ".new-", ".tmp");
    if (secret) {
      tmp.toFile().setReadable(false, false);
      tmp.toFile().setReadable(true, true);
      trySetOwnerOnly(tmp);
    }
    Files.writeString(tmp, text);
    try {
      Files.move(tmp, file);
    } catch (FileAlreadyExistsException e) {
      Files.deleteIfExists(tmp);
    }
  }

  private static void writeIfChanged(Path file, String text) throws IOException {
    if (!Files.exists(file) || !Files.readString(file).equals(text)) {
      Path tmp = Files.createTempFile(file.getParent(), ".new-", ".tmp");
      Files.writeString(tmp, text);
      Files.move(tmp, file, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
    }
  }

  private static void trySetOwnerOnly(Path p) {
    try {
      Files.setPosixFilePermissions(p, PosixFilePermissions.fromString("rw-------"));
    } catch (IOException | UnsupportedOperationException e) {
      // Not a POSIX file system: the folder's own permissions apply.
    }
  }
}
