package io.interlock.activities.policy;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class AllowedSignersTest {
  private static final String ALICE = "ssh-ed25519 AAAAC3NzaC1lZDI1NTE5AAAAIAlice";
  private static final String BOB = "ssh-ed25519 AAAAC3NzaC1lZDI1NTE5AAAAIBobbb";

  @Test
  @DisplayName(
      "a key taken out of allowed_signers is not trusted at the next read, though the parse of the file's text is kept")
  void removedKeyIsGoneAtTheNextRead(@TempDir Path dir) throws Exception {
    Path file = dir.resolve("allowed_signers");
    Files.writeString(file, "alice " + ALICE + "\nbob " + BOB + "\n");
    Map<String, List<String>> first = AllowedSigners.read(file);
    assertThat(first).containsOnlyKeys("alice", "bob");
    assertThat(AllowedSigners.read(file)).as("same text, same parse").isSameAs(first);

    Files.writeString(file, "bob " + BOB + "\n");
    assertThat(AllowedSigners.read(file)).containsOnlyKeys("bob");
    Files.delete(file);
    assertThat(AllowedSigners.read(file)).isEmpty();
  }

  @Test
  @DisplayName("a file that is not UTF-8 trusts no key")
  void notUtf8TrustsNothing(@TempDir Path dir) throws Exception {
    Path file = dir.resolve("allowed_signers");
    byte[] text = ("alice " + ALICE + "\n").getBytes(java.nio.charset.StandardCharsets.UTF_8);
    byte[] bad = java.util.Arrays.copyOf(text, text.length + 2);
    bad[text.length] = (byte) 0xC3; // a lone lead byte, then a newline
    bad[text.length + 1] = '\n';
    Files.write(file, bad);
    assertThat(AllowedSigners.read(file)).isEmpty();
  }

  @Test
  @DisplayName("the kept parse cannot be changed by a caller, and other namespaces are left out")
  void keptParseIsReadOnly(@TempDir Path dir) throws Exception {
    Path file = dir.resolve("allowed_signers");
    Files.writeString(
        file,
        "alice namespaces=\"git\" "
            + ALICE
            + "\nbob namespaces=\"interlock-approval\" "
            + BOB
            + "\n# a comment\n");
    Map<String, List<String>> keys = AllowedSigners.read(file);
    assertThat(keys).containsOnlyKeys("bob");
    assertThatThrownBy(() -> keys.get("bob").add(ALICE))
        .isInstanceOf(UnsupportedOperationException.class);
    assertThatThrownBy(() -> keys.put("alice", List.of(ALICE)))
        .isInstanceOf(UnsupportedOperationException.class);
    assertThat(AllowedSigners.read(file)).containsOnlyKeys("bob");
  }
}
