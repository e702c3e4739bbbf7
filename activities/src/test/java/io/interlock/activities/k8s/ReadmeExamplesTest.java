package io.interlock.activities.k8s;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.ObjectMapper;
import io.interlock.activities.tools.ToolRegistry;
import io.interlock.contract.activities.ResolvedCall;
import io.interlock.contract.commands.ToolCall;
import io.interlock.contract.values.ToolSpec;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

/**
 * The README's catalog table is the registry's: every tool listed once, flags right, examples
 * valid.
 */
class ReadmeExamplesTest {
  private static final Pattern ROW =
      Pattern.compile(
          "^\\| `(k8s\\.[a-z-]+)` \\| (READ|WRITE) \\|\\s*([a-z, ]*?)\\s*\\|.*\\| `(\\{.*\\})` \\|$");

  @Test
  @DisplayName(
      "every catalog tool has one README example whose args the tool's schema accepts and whose flags match")
  void readmeCatalogMatchesRegistry() throws Exception {
    String readme = Files.readString(Path.of("../README.md"));
    String table =
        readme.substring(
            readme.indexOf("<!-- catalog-examples:start -->"),
            readme.indexOf("<!-- catalog-examples:end -->"));
    ToolRegistry registry = KubernetesCatalog.registry();
    ObjectMapper json = new ObjectMapper();
    List<String> seen = new ArrayList<>();
    for (String line : table.lines().toList()) {
      Matcher m = ROW.matcher(line);
      if (!m.matches()) {
        continue;
      }
      String tool = m.group(1);
      seen.add(tool);
      @SuppressWarnings("unchecked")
      Map<String, Object> args = json.readValue(m.group(4), Map.class);
      ResolvedCall resolved = registry.resolve(new ToolCall(tool, args));
      assertThat(resolved.problems()).as("README example for %s", tool).isEmpty();
      ToolSpec spec = resolved.spec();
      assertThat(spec.effect().name()).as("effect of %s", tool).isEqualTo(m.group(2));
      assertThat(m.group(3).contains("idempotent"))
          .as("idempotent flag of %s", tool)
          .isEqualTo(spec.effect().name().equals("WRITE") && spec.idempotent());
      assertThat(m.group(3).contains("destructive"))
          .as("destructive flag of %s", tool)
          .isEqualTo(spec.destructive());
    }
    assertThat(seen)
        .containsExactlyInAnyOrderElementsOf(
            registry.catalog().stream().map(ToolSpec::name).toList());
  }
}
