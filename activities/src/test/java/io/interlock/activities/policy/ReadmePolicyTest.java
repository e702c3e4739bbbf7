package io.interlock.activities.policy;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

/**
 * The README shows the complete example policy; it must be the file the engine loads, byte for
 * byte.
 */
class ReadmePolicyTest {
  @Test
  @DisplayName("the README's policy example is exactly deploy/policy/interlock-policy.yaml")
  void readmeShowsTheRealPolicy() throws Exception {
    String readme = Files.readString(Path.of("../README.md"));
    String shown =
        readme.substring(
            readme.indexOf("<!-- policy-file:start -->"),
            readme.indexOf("<!-- policy-file:end -->"));
    String file = Files.readString(Path.of("../deploy/policy/interlock-policy.yaml"));
    assertThat(shown).contains("```yaml\n" + file.stripTrailing() + "\n```");
  }
}
