package io.interlock.activities.policy;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.fasterxml.jackson.dataformat.yaml.YAMLMapper;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import net.jqwik.api.ForAll;
import net.jqwik.api.Label;
import net.jqwik.api.Property;

/**
 * The policy file reader on the shipped policy with one random change: a key dropped, renamed or
 * added, a value of another type or shape, text with odd characters, bytes cut or flipped. Whatever
 * the change, it answers with a policy or with a {@link PolicyException} naming the file in a
 * bounded message, never any other exception; the unchanged file always loads.
 */
class PolicyReaderPropertiesTest {
  private static final YAMLMapper YAML = new YAMLMapper();
  private static final JsonNodeFactory NODES = JsonNodeFactory.instance;
  private static final byte[] SHIPPED = shipped();
  private static final JsonNode TREE = tree();
  private static final String SOURCE = "fuzzed-policy.yaml";

  @Property(tries = 10_000)
  @Label(
      "one structural change: a policy, or a PolicyException naming the file; never another exception")
  void structuralChangeIsLoadedOrRefusedCleanly(@ForAll long seed) throws IOException {
    Random random = new Random(seed);
    JsonNode changed = TREE.deepCopy();
    String what = mutate(changed, random);
    judge(YAML.writeValueAsBytes(changed), what);
  }

  @Property(tries = 10_000)
  @Label(
      "bytes cut, flipped or spliced: a policy, or a PolicyException naming the file; never another exception")
  void byteChangeIsLoadedOrRefusedCleanly(@ForAll long seed) {
    Random random = new Random(seed);
    byte[] bytes = SHIPPED.clone();
    int at = random.nextInt(bytes.length);
    String what;
    switch (random.nextInt(3)) {
      case 0 -> {
        bytes = java.util.Arrays.copyOf(bytes, at);
        what = "cut at byte " + at;
      }
      case 1 -> {
        bytes[at] = (byte) random.nextInt(256);
        what = "byte " + at + " set to " + (bytes[at] & 0xff);
      }
      default -> {
        String[] splices = {
          "&a [*a, *a]",
          "!!java.lang.Runtime",
          "\t",
          "{",
          "- -",
          ": :",
          "%YAML 9.9",
          "\u0000",
          "'",
          "<<: *x"
        };
        String splice = splices[random.nextInt(splices.length)];
        byte[] insert = splice.getBytes(StandardCharsets.UTF_8);
        byte[] out = new byte[bytes.length + insert.length];
        System.arraycopy(bytes, 0, out, 0, at);
        System.arraycopy(insert, 0, out, at, insert.length);
        System.arraycopy(bytes, at, out, at + insert.length, bytes.length - at);
        bytes = out;
        what = "'" + splice + "' spliced at byte " + at;
      }
    }
    judge(bytes, what);
  }

  @Property(tries = 10)
  @Label("the shipped policy, re-serialised, loads with the same environments")
  void unchangedLoads() throws IOException {
    PolicyFile original = PolicyFile.parse(SOURCE, SHIPPED);
    PolicyFile again = PolicyFile.parse(SOURCE, YAML.writeValueAsBytes(TREE));
    assertThat(again.environments().keySet()).isEqualTo(original.environments().keySet());
    assertThat(again.groups()).isEqualTo(original.groups());
  }

  private static void judge(byte[] yaml, String what) {
    try {
      PolicyFile.parse(SOURCE, yaml);
    } catch (PolicyException e) {
      assertThat(e.getMessage()).as("the refusal after %s", what).contains(SOURCE);
      assertThat(e.getMessage().length())
          .as("the refusal's length after %s", what)
          .isLessThan(16_384);
    } catch (RuntimeException | StackOverflowError e) {
      throw new AssertionError("after " + what + " the reader threw " + e, e);
    }
  }

  /** Applies one change at a random place in the tree; returns what it did. */
  private static String mutate(JsonNode root, Random random) {
    List<String> paths = new ArrayList<>();
    List<JsonNode> parents = new ArrayList<>();
    collect(root, "", paths, parents);
    int i = random.nextInt(parents.size());
    JsonNode parent = parents.get(i);
    String path = paths.get(i);
    if (parent instanceof ObjectNode o && o.size() > 0) {
      List<String> names = new ArrayList<>();
      o.fieldNames().forEachRemaining(names::add);
      String name = names.get(random.nextInt(names.size()));
      switch (random.nextInt(4)) {
        case 0 -> {
          o.remove(name);
          return "dropped " + path + "/" + name;
        }
        case 1 -> {
          JsonNode v = o.remove(name);
          String renamed = renamed(name, random);
          o.set(renamed, v);
          return "renamed " + path + "/" + name + " to '" + renamed + "'";
        }
        case 2 -> {
          o.set("x" + random.nextInt(100), anyValue(random));
          return "added a key under " + path;
        }
        default -> {
          JsonNode v = anyValue(random);
          o.set(name, v);
          return "set " + path + "/" + name + " to " + v;
        }
      }
    }
    if (parent instanceof ArrayNode a && a.size() > 0) {
      int at = random.nextInt(a.size());
      switch (random.nextInt(3)) {
        case 0 -> {
          a.remove(at);
          return "dropped " + path + "[" + at + "]";
        }
        case 1 -> {
          a.add(a.get(at).deepCopy());
          return "repeated " + path + "[" + at + "]";
        }
        default -> {
          JsonNode v = anyValue(random);
          a.set(at, v);
          return "set " + path + "[" + at + "] to " + v;
        }
      }
    }
    return "nothing";
  }

  private static void collect(
      JsonNode node, String path, List<String> paths, List<JsonNode> parents) {
    if (node.isContainerNode()) {
      paths.add(path);
      parents.add(node);
    }
    if (node instanceof ObjectNode o) {
      o.fields()
          .forEachRemaining(e -> collect(e.getValue(), path + "/" + e.getKey(), paths, parents));
    } else if (node instanceof ArrayNode a) {
      for (int i = 0; i < a.size(); i++) {
        collect(a.get(i), path + "[" + i + "]", paths, parents);
      }
    }
  }

  private static String renamed(String name, Random random) {
    String[] forms = {
      name.toUpperCase(),
      name + " ",
      "",
      name + "s",
      name.replace('-', '_'),
      "\u200b" + name,
      name + "\u0000"
    };
    return forms[random.nextInt(forms.length)];
  }

  private static JsonNode anyValue(Random random) {
    return switch (random.nextInt(14)) {
      case 0 -> NODES.nullNode();
      case 1 -> NODES.textNode("");
      case 2 -> NODES.textNode("x".repeat(random.nextInt(5_000)));
      case 3 -> NODES.numberNode(random.nextLong());
      case 4 -> NODES.numberNode(-1);
      case 5 -> NODES.numberNode(1.5);
      case 6 -> NODES.booleanNode(random.nextBoolean());
      case 7 -> NODES.arrayNode();
      case 8 -> NODES.objectNode();
      case 9 -> NODES.arrayNode().add(NODES.objectNode().put("a", 1)).add("b");
      case 10 -> NODES.textNode("call.args.replicas > ");
      case 11 -> NODES.textNode("* * * * * * *");
      case 12 -> NODES.textNode("\u202e\u0000\ud83d\ude80 é");
      default -> NODES.textNode("1e309");
    };
  }

  private static byte[] shipped() {
    try (InputStream in =
        PolicyFile.class.getClassLoader().getResourceAsStream(PolicyFile.DEFAULT_RESOURCE)) {
      return in.readAllBytes();
    } catch (IOException e) {
      throw new IllegalStateException(e);
    }
  }

  private static JsonNode tree() {
    try {
      return YAML.readTree(SHIPPED);
    } catch (IOException e) {
      throw new IllegalStateException(e);
    }
  }
}
