package io.interlock.worker.temporal;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

/**
 * Every {@code temporal} command the README prints, checked against the real binary's own help: the
 * subcommand exists and takes every flag shown. What they do on a real server is driven by {@link
 * RealTemporalCliTest}; this catches a flag or subcommand the pinned CLI does not have.
 */
class ReadmeTemporalCommandsTest {
  private static final Pattern FLAG_LINE =
      Pattern.compile("^\\s+(?:-\\w, )?(--[a-z0-9-]+)(?:, -\\w)?[\\s,]", Pattern.MULTILINE);
  private static final Pattern INLINE = Pattern.compile("`(temporal [^`]+)`");

  @Test
  @DisplayName(
      "every temporal command in the README names a subcommand and flags the real Temporal CLI has")
  void everyReadmeTemporalCommandParses() throws IOException {
    List<String> commands = commands(Files.readString(readme()));
    assertThat(commands).as("temporal commands in the README").hasSizeGreaterThanOrEqualTo(8);
    Path binary = TemporalCli.binary();
    Set<String> global = flags(TemporalCli.exec(binary, List.of("options")).ok().out());
    Map<List<String>, Set<String>> helpOf = new HashMap<>();
    List<String> wrong = new ArrayList<>();
    for (String command : commands) {
      List<String> tokens = tokens(command);
      List<String> path = new ArrayList<>();
      for (String t : tokens.subList(1, tokens.size())) {
        if (!t.matches("[a-z][a-z-]*")) {
          break;
        }
        path.add(t);
      }
      Set<String> known =
          helpOf.computeIfAbsent(
              path,
              p -> {
                List<String> args = new ArrayList<>(p);
                args.add("--help");
                TemporalCli.Result help = TemporalCli.exec(binary, args);
                // An unknown subcommand prints the parent's help; its usage line does not name the
                // path.
                return help.code() == 0 && help.out().contains("temporal " + String.join(" ", p))
                    ? flags(help.out())
                    : null;
              });
      if (known == null) {
        wrong.add(command + "\n    no such subcommand: temporal " + String.join(" ", path));
        continue;
      }
      for (String t : tokens) {
        if (t.equals(">") || t.equals("|")) {
          break;
        }
        String flag = t.contains("=") ? t.substring(0, t.indexOf('=')) : t;
        // The root's --version is not in any help text: run it (it touches no server).
        if (flag.startsWith("--")
            && !known.contains(flag)
            && !global.contains(flag)
            && !(path.isEmpty() && TemporalCli.exec(binary, List.of(flag)).code() == 0)) {
          wrong.add(command + "\n    temporal " + String.join(" ", path) + " has no flag " + flag);
        }
      }
    }
    assertThat(wrong)
        .as("README commands the Temporal CLI %s does not accept", TemporalCli.VERSION)
        .isEmpty();
  }

  /**
   * Command lines in code blocks ({@code $ } prompts and {@code \} continuations joined) and inline
   * code spans.
   */
  static List<String> commands(String markdown) {
    Set<String> found = new LinkedHashSet<>();
    String[] lines = markdown.split("\n");
    for (int i = 0; i < lines.length; i++) {
      String line = lines[i].strip();
      line = line.startsWith("$ ") ? line.substring(2) : line;
      if (!line.startsWith("temporal ") || !lines[i].startsWith("    ")) {
        continue;
      }
      StringBuilder c = new StringBuilder(line);
      while (c.toString().endsWith("\\") && i + 1 < lines.length) {
        c.setLength(c.length() - 1);
        c.append(' ').append(lines[++i].strip());
      }
      found.add(c.toString());
    }
    Matcher m = INLINE.matcher(markdown);
    while (m.find()) {
      found.add(m.group(1).replaceAll("\\s+", " "));
    }
    return new ArrayList<>(found);
  }

  /** Shell words: quotes (and {@code $(...)}) keep their spaces. */
  static List<String> tokens(String command) {
    List<String> out = new ArrayList<>();
    StringBuilder t = new StringBuilder();
    char quote = 0;
    int parens = 0;
    for (char ch : command.toCharArray()) {
      if (quote != 0) {
        quote = ch == quote ? 0 : quote;
        t.append(ch);
      } else if (ch == '\'' || ch == '"') {
        quote = ch;
        t.append(ch);
      } else if (ch == '(' || ch == ')') {
        parens += ch == '(' ? 1 : -1;
        t.append(ch);
      } else if (Character.isWhitespace(ch) && parens == 0) {
        if (t.length() > 0) {
          out.add(t.toString());
          t.setLength(0);
        }
      } else {
        t.append(ch);
      }
    }
    if (t.length() > 0) {
      out.add(t.toString());
    }
    return out;
  }

  private static Set<String> flags(String help) {
    Set<String> flags = new LinkedHashSet<>();
    Matcher m = FLAG_LINE.matcher(help);
    while (m.find()) {
      flags.add(m.group(1));
    }
    return flags;
  }

  private static Path readme() {
    Path root = Path.of("").toAbsolutePath();
    for (Path p = root; p != null; p = p.getParent()) {
      if (Files.exists(p.resolve("README.md"))
          && Files.exists(p.resolve("worker").resolve("pom.xml"))) {
        return p.resolve("README.md");
      }
    }
    throw new AssertionError("no project README.md above " + root);
  }
}
