package io.interlock.simcluster;

import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

/**
 * A request path split the way the API server reads it: {@code /apis/apps/v1/namespaces/shop/
 * deployments/web/status?dryRun=All}.
 */
record ApiPath(
    String group,
    String version,
    String namespace,
    String resource,
    String name,
    String subresource,
    Map<String, String> query) {

  private static final Set<String> NAMESPACE_SUBRESOURCES = Set.of("status", "finalize");

  /** Parses a resource path; empty for discovery, /version and anything else. */
  static Optional<ApiPath> parse(String rawPath) {
    int q = rawPath.indexOf('?');
    String path = q < 0 ? rawPath : rawPath.substring(0, q);
    Map<String, String> query = parseQuery(q < 0 ? "" : rawPath.substring(q + 1));
    // Split first, then decode: an escaped '/' (%2F) inside a name never becomes a separator.
    List<String> seg =
        Arrays.stream(path.split("/"))
            .filter(s -> !s.isEmpty())
            .map(ApiPath::decodeSegment)
            .toList();
    String group;
    int rest;
    if (seg.size() >= 2 && seg.get(0).equals("api")) {
      group = "";
      rest = 2;
    } else if (seg.size() >= 3 && seg.get(0).equals("apis")) {
      group = seg.get(1);
      rest = 3;
    } else {
      return Optional.empty();
    }
    String version = seg.get(rest - 1);
    List<String> r = seg.subList(rest, seg.size());
    if (r.isEmpty()) {
      return Optional.empty();
    }
    if (r.get(0).equals("namespaces")
        && r.size() >= 3
        && !(r.size() == 3 && NAMESPACE_SUBRESOURCES.contains(r.get(2)))) {
      return Optional.of(
          new ApiPath(group, version, r.get(1), r.get(2), at(r, 3), at(r, 4), query));
    }
    return Optional.of(new ApiPath(group, version, null, r.get(0), at(r, 1), at(r, 2), query));
  }

  boolean dryRun() {
    return query.containsKey("dryRun");
  }

  boolean watch() {
    return "true".equals(query.get("watch")) || "1".equals(query.get("watch"));
  }

  String param(String key) {
    return query.get(key);
  }

  private static String at(List<String> list, int i) {
    return i < list.size() ? list.get(i) : null;
  }

  private static Map<String, String> parseQuery(String query) {
    Map<String, String> out = new LinkedHashMap<>();
    for (String pair : query.split("&")) {
      if (pair.isEmpty()) {
        continue;
      }
      int eq = pair.indexOf('=');
      String k = eq < 0 ? pair : pair.substring(0, eq);
      String v = eq < 0 ? "" : pair.substring(eq + 1);
      out.put(decode(k), decode(v));
    }
    return out;
  }

  /** Percent-decoding of one path segment ('+' is a plus in a path, not a space). */
  private static String decodeSegment(String s) {
    return decode(s.replace("+", "%2B"));
  }

  private static String decode(String s) {
    return URLDecoder.decode(s, StandardCharsets.UTF_8);
  }
}
