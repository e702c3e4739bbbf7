package io.interlock.workflows.proof;

import io.interlock.contract.values.ApprovalProof;
import io.interlock.contract.values.ProofPolicy;
import io.interlock.contract.values.ProofVerdict;
import java.io.ByteArrayOutputStream;
import java.math.BigInteger;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.Base64;
import java.util.List;
import org.bouncycastle.crypto.Digest;
import org.bouncycastle.crypto.Signer;
import org.bouncycastle.crypto.digests.SHA256Digest;
import org.bouncycastle.crypto.digests.SHA384Digest;
import org.bouncycastle.crypto.digests.SHA512Digest;
import org.bouncycastle.crypto.params.AsymmetricKeyParameter;
import org.bouncycastle.crypto.params.ECPublicKeyParameters;
import org.bouncycastle.crypto.params.Ed25519PublicKeyParameters;
import org.bouncycastle.crypto.params.RSAKeyParameters;
import org.bouncycastle.crypto.signers.ECDSASigner;
import org.bouncycastle.crypto.signers.Ed25519Signer;
import org.bouncycastle.crypto.signers.RSADigestSigner;
import org.bouncycastle.crypto.util.OpenSSHPublicKeyUtil;

/** Checks an OpenSSH SSHSIG ({@code ssh-keygen -Y sign}, PROTOCOL.sshsig) over a statement. */
final class SshProof {
  private static final String BEGIN = "-----BEGIN SSH SIGNATURE-----";
  private static final String END = "-----END SSH SIGNATURE-----";
  private static final byte[] MAGIC = "SSHSIG".getBytes(StandardCharsets.US_ASCII);
  private static final int MIN_RSA_BITS = 2048;

  private SshProof() {}

  static ProofVerdict verify(String armored, Statement statement, ProofPolicy keys) {
    SshWire sig = new SshWire(unarmor(armored));
    if (!Arrays.equals(sig.bytes(MAGIC.length), MAGIC)) {
      throw new ProofRefused("malformed SSH signature: no SSHSIG magic");
    }
    long version = sig.uint32();
    if (version != 1) {
      throw new ProofRefused("SSH signature version " + version + " is not 1");
    }
    byte[] publicKey = sig.string();
    String namespace = sig.text();
    sig.string(); // reserved: OpenSSH ignores it and signs an empty one
    String hashAlgorithm = sig.text();
    byte[] signature = sig.string();
    sig.end();

    if (!Statement.SSH_NAMESPACE.equals(namespace)) {
      throw new ProofRefused(
          "signed in SSH namespace '"
              + ProofRefused.shown(namespace)
              + "', not '"
              + Statement.SSH_NAMESPACE
              + "' (ssh-keygen -Y sign -n "
              + Statement.SSH_NAMESPACE
              + ")");
    }
    if (!"sha256".equals(hashAlgorithm) && !"sha512".equals(hashAlgorithm)) {
      throw new ProofRefused(
          "SSH signature hash algorithm '"
              + ProofRefused.shown(hashAlgorithm)
              + "' is not sha256 or sha512");
    }
    String identity = ProofRefused.shown(statement.identity());
    List<String> listed = keys.sshKeys().get(statement.identity());
    if (listed == null || listed.isEmpty()) {
      throw new ProofRefused(
          "no SSH keys are listed for '" + identity + "' in policy (identities)");
    }
    String fingerprint = SshKeys.fingerprint(publicKey);
    if (listed.stream().noneMatch(line -> Arrays.equals(SshKeys.blob(line), publicKey))) {
      throw new ProofRefused(
          "the signing key "
              + fingerprint
              + " is not listed for '"
              + identity
              + "' in policy (identities)");
    }

    String keyType = new SshWire(publicKey).text();
    byte[] message = statement.canonical().getBytes(StandardCharsets.UTF_8);
    if (!signatureHolds(
        keyType, publicKey, signature, signedData(namespace, hashAlgorithm, message))) {
      throw new ProofRefused(
          "bad signature: "
              + keyType
              + " "
              + fingerprint
              + " did not sign this statement (task, step, hash, decision, comment or times differ)");
    }
    return new ProofVerdict(
        ApprovalProof.SSH, true, keyType, fingerprint, null, statement.digest(), null);
  }

  private static byte[] unarmor(String armored) {
    String text = armored.strip();
    if (!text.startsWith(BEGIN)
        || !text.endsWith(END)
        || text.length() < BEGIN.length() + END.length()) {
      throw new ProofRefused("malformed SSH signature armor: expected " + BEGIN + " … " + END);
    }
    String body =
        text.substring(BEGIN.length(), text.length() - END.length()).replaceAll("\\s+", "");
    try {
      return Base64.getDecoder().decode(body);
    } catch (IllegalArgumentException e) {
      throw new ProofRefused("malformed SSH signature armor: the body is not base64");
    }
  }

  private static byte[] signedData(String namespace, String hashAlgorithm, byte[] message) {
    Digest h = "sha512".equals(hashAlgorithm) ? new SHA512Digest() : new SHA256Digest();
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    out.writeBytes(MAGIC);
    SshWire.putString(out, namespace);
    SshWire.putString(out, new byte[0]);
    SshWire.putString(out, hashAlgorithm);
    SshWire.putString(out, digest(h, message));
    return out.toByteArray();
  }

  private static boolean signatureHolds(
      String keyType, byte[] publicKey, byte[] signature, byte[] signed) {
    SshWire sig = new SshWire(signature);
    String sigType = sig.text();
    byte[] sigBytes = sig.string();
    sig.end();
    AsymmetricKeyParameter key = OpenSSHPublicKeyUtil.parsePublicKey(publicKey);
    if (key instanceof Ed25519PublicKeyParameters && "ssh-ed25519".equals(sigType)) {
      return sigBytes.length == Ed25519PublicKeyParameters.KEY_SIZE * 2
          && holds(new Ed25519Signer(), key, signed, sigBytes);
    }
    if (key instanceof ECPublicKeyParameters ec && keyType.equals(sigType)) {
      SshWire rs = new SshWire(sigBytes);
      BigInteger r = rs.mpint();
      BigInteger s = rs.mpint();
      rs.end();
      ECDSASigner signer = new ECDSASigner();
      signer.init(false, ec);
      return signer.verifySignature(digest(curveDigest(keyType), signed), r, s);
    }
    if (key instanceof RSAKeyParameters rsa) {
      if (rsa.getModulus().bitLength() < MIN_RSA_BITS) {
        throw new ProofRefused(
            "RSA key is " + rsa.getModulus().bitLength() + " bits, under " + MIN_RSA_BITS);
      }
      Digest h =
          switch (sigType) {
            case "rsa-sha2-256" -> new SHA256Digest();
            case "rsa-sha2-512" -> new SHA512Digest();
            default ->
                throw new ProofRefused(
                    "RSA signature type '"
                        + ProofRefused.shown(sigType)
                        + "' is not rsa-sha2-256 or rsa-sha2-512");
          };
      return holds(new RSADigestSigner(h), key, signed, sigBytes);
    }
    if (!SshKeys.SUPPORTED.contains(keyType)) {
      throw new ProofRefused("SSH key type '" + ProofRefused.shown(keyType) + "' is not supported");
    }
    throw new ProofRefused(
        "SSH signature type '"
            + ProofRefused.shown(sigType)
            + "' does not match key type "
            + keyType);
  }

  private static Digest curveDigest(String keyType) {
    return switch (keyType) {
      case "ecdsa-sha2-nistp256" -> new SHA256Digest();
      case "ecdsa-sha2-nistp384" -> new SHA384Digest();
      case "ecdsa-sha2-nistp521" -> new SHA512Digest();
      default ->
          throw new ProofRefused(
              "SSH key type '" + ProofRefused.shown(keyType) + "' is not supported");
    };
  }

  private static boolean holds(
      Signer signer, AsymmetricKeyParameter key, byte[] signed, byte[] signature) {
    signer.init(false, key);
    signer.update(signed, 0, signed.length);
    return signer.verifySignature(signature);
  }

  private static byte[] digest(Digest h, byte[] data) {
    h.update(data, 0, data.length);
    byte[] out = new byte[h.getDigestSize()];
    h.doFinal(out, 0);
    return out;
  }
}
