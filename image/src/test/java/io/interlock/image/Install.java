package io.interlock.image;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.MappingIterator;
import com.fasterxml.jackson.dataformat.yaml.YAMLMapper;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;

/** What deploy/install's Deployments give the image: their containers, read from the YAML. */
final class Install {
  private static final Path DIR = Path.of("../deploy/install");

  private Install() {}

  /** The first container of Deployment {@code name}. */
  static JsonNode container(String deployment) {
    for (JsonNode doc : docs()) {
      if (doc.path("kind").asText().equals("Deployment")
          && doc.path("metadata").path("name").asText().equals(deployment)) {
        return doc.path("spec").path("template").path("spec").path("containers").path(0);
      }
    }
    throw new AssertionError("no Deployment " + deployment + " in " + DIR);
  }

  /** Every container of every Deployment. */
  static List<JsonNode> containers() {
    List<JsonNode> out = new ArrayList<>();
    for (JsonNode doc : docs()) {
      if (doc.path("kind").asText().equals("Deployment")) {
        doc.path("spec").path("template").path("spec").path("containers").forEach(out::add);
      }
    }
    assertThat(out).as("Deployments in %s", DIR).hasSizeGreaterThanOrEqualTo(2);
    return out;
  }

  /** A container's literal environment (values given inline, not by reference). */
  static Map<String, String> env(JsonNode container) {
    Map<String, String> env = new LinkedHashMap<>();
    for (JsonNode e : container.path("env")) {
      if (e.has("value")) {
        env.put(e.path("name").asText(), e.path("value").asText());
      }
    }
    return env;
  }

  private static List<JsonNode> docs() {
    List<JsonNode> docs = new ArrayList<>();
    try (Stream<Path> files = Files.list(DIR)) {
      for (Path f : files.filter(p -> p.toString().endsWith(".yaml")).sorted().toList()) {
        try (MappingIterator<JsonNode> it =
            new YAMLMapper().readerFor(JsonNode.class).readValues(f.toFile())) {
          it.forEachRemaining(docs::add);
        }
      }
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    return docs;
  }
}
