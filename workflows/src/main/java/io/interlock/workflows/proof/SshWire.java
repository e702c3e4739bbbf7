package io.interlock.workflows.proof;

import java.io.ByteArrayOutputStream;
import java.math.BigInteger;
import java.nio.charset.StandardCharsets;

/** Reads and writes the SSH wire types (RFC 4251 §5) that SSHSIG is made of. */
final class SshWire {
  private final byte[] buf;
  private int pos;

  SshWire(byte[] buf) {
    this.buf = buf;
  }

  byte[] bytes(int n) {
    if (n < 0 || n > buf.length - pos) {
      throw new ProofRefused("malformed SSH signature: truncated or oversized field");
    }
    byte[] out = java.util.Arrays.copyOfRange(buf, pos, pos + n);
    pos += n;
    return out;
  }

  long uint32() {
    byte[] b = bytes(4);
    return ((b[0] & 0xffL) << 24) | ((b[1] & 0xffL) << 16) | ((b[2] & 0xffL) << 8) | (b[3] & 0xffL);
  }

  byte[] string() {
    long n = uint32();
    return bytes(n > Integer.MAX_VALUE ? -1 : (int) n);
  }

  String text() {
    return new String(string(), StandardCharsets.UTF_8);
  }

  BigInteger mpint() {
    byte[] b = string();
    return b.length == 0 ? BigInteger.ZERO : new BigInteger(b);
  }

  void end() {
    if (pos != buf.length) {
      throw new ProofRefused("malformed SSH signature: trailing data");
    }
  }

  static void putString(ByteArrayOutputStream out, byte[] value) {
    int n = value.length;
    out.write(n >>> 24);
    out.write(n >>> 16);
    out.write(n >>> 8);
    out.write(n);
    out.writeBytes(value);
  }

  static void putString(ByteArrayOutputStream out, String value) {
    putString(out, value.getBytes(StandardCharsets.UTF_8));
  }
}
