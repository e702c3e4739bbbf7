package io.interlock.worker.proof;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Optional;

/**
 * A private key named by reference, never by value: {@code env:VAR} (an environment variable of
 * this process) or {@code file:/path} ({@code ~/} is the home folder). Read where it is used, so a
 * key created or rotated later takes effect without a restart.
 */
public final class KeyReference {
  private KeyReference() {}

  /**
   * The referenced text; empty when the variable is unset or the file does not exist.
   *
   * @throws IllegalArgumentException when the reference is malformed or the file cannot be read
   */
  public static Optional<String> read(String ref) {
    if (ref == null || ref.isBlank()) {
      return Optional.empty();
    }
    if (ref.startsWith("env:")) {
      String v = System.getenv(ref.substring(4));
      return v == null || v.isBlank() ? Optional.empty() : Optional.of(v);
    }
    if (ref.startsWith("file:")) {
      Path p = path(ref.substring(5));
      if (!Files.isRegularFile(p)) {
        return Optional.empty();
      }
      try {
        return Optional.of(Files.readString(p));
      } catch (IOException e) {
        throw new IllegalArgumentException("cannot read " + p + ": " + e.getMessage(), e);
      }
    }
    throw new IllegalArgumentException(
        "a key is named by reference, env:VAR or file:/path, not '"
            + (ref.length() > 40 ? ref.substring(0, 40) + "…" : ref)
            + "'");
  }

  /** {@code ~/x} is the home folder; other paths as given. */
  public static Path path(String file) {
    return file.startsWith("~/")
        ? Path.of(System.getProperty("user.home"), file.substring(2))
        : Path.of(file);
  }
}
