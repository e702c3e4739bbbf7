package io.interlock.activities.policy;

import com.fasterxml.jackson.core.JsonParseException;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;
import com.fasterxml.jackson.dataformat.yaml.YAMLMapper;
import io.interlock.contract.values.BatchPolicy;
import java.io.IOException;
import java.time.DayOfWeek;
import java.time.Duration;
import java.time.LocalDate;
import java.time.LocalDateTime;
import java.time.LocalTime;
import java.time.OffsetDateTime;
import java.time.ZoneId;
import java.time.ZoneOffset;
import java.time.format.DateTimeParseException;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.function.BiFunction;
import java.util.function.Function;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/** Turns policy YAML into {@link PolicyFile}, collecting every problem with its field path. */
final class PolicyReader {
  private static final YAMLMapper YAML =
      (YAMLMapper)
          new YAMLMapper(new YAMLFactory()).enable(JsonParser.Feature.STRICT_DUPLICATE_DETECTION);
  private static final Pattern NAME = Pattern.compile("[a-z0-9]([-a-z0-9]*[a-z0-9])?");
  private static final Pattern RULE_ID = Pattern.compile("[a-z0-9]([-a-z0-9_.]*[a-z0-9])?");
  private static final Pattern DURATION =
      Pattern.compile("(?:(\\d+)d)?(?:(\\d+)h)?(?:(\\d+)m)?(?:(\\d+)s)?");
  private static final Pattern WEEK_TIME = Pattern.compile("([A-Za-z]+)\\s+(\\S+)");
  private static final Duration MAX_CRON_DURATION = Duration.ofDays(31);

  private static final Set<String> TOP =
      Set.of("groups", "reviewers", "identities", "environments");
  private static final Set<String> REVIEWERS = Set.of("groups");
  private static final Set<String> IDENTITIES =
      Set.of("allowedSigners", "sshKeys", "issuers", "maxProofSeconds");
  private static final Set<String> ISSUER = Set.of("jwks", "jwksFile");
  private static final Set<String> REQUESTS = Set.of("proof");
  private static final Set<String> PROOF_MODES = Set.of("required", "claimed");
  private static final Set<String> ENV =
      Set.of(
          "cluster",
          "credentials",
          "impersonation",
          "allowedNamespaces",
          "allowedClusterScopedKinds",
          "allowedTools",
          "approvals",
          "requests",
          "freezeWindows",
          "breakGlass",
          "verifyBudgetSeconds",
          "rules");
  private static final Set<String> CLUSTER = Set.of("simulated", "kubeconfigContext", "inCluster");
  private static final Set<String> CREDENTIALS = Set.of("ref");
  private static final Set<String> IMPERSONATION = Set.of("user", "groups");
  private static final Set<String> APPROVALS =
      Set.of("groups", "required", "tools", "destructive", "maxApprovalSeconds", "proof", "batch");
  private static final Set<String> BATCH = Set.of("maxEntries", "destructive");
  private static final Set<String> BREAK_GLASS = Set.of("groups");
  private static final Set<String> WINDOW =
      Set.of(
          "id",
          "type",
          "timezone",
          "message",
          "breakGlass",
          "start",
          "end",
          "days",
          "from",
          "to",
          "schedule",
          "duration");
  private static final Set<String> RULE =
      Set.of("id", "message", "expression", "effect", "requireApprovals");

  private final String source;
  private final List<String> problems = new ArrayList<>();
  private Map<String, List<String>> groups = Map.of();

  PolicyReader(String source) {
    this.source = source;
  }

  PolicyFile read(byte[] yaml, String version) {
    JsonNode root;
    try {
      root = YAML.readTree(yaml);
    } catch (JsonParseException e) {
      throw new PolicyException(source, List.of(syntaxProblem(e)));
    } catch (IOException e) {
      throw new PolicyException(source, "not valid YAML: " + e.getMessage(), e);
    }
    if (root == null || root.isMissingNode() || root.isNull()) {
      throw new PolicyException(
          source, List.of("the file is empty; it needs at least 'environments'"));
    }
    if (!object(root, "(top level)", TOP)) {
      throw new PolicyException(source, problems);
    }
    groups = readGroups(root.get("groups"));
    Reviewers reviewers = readReviewers(root.get("reviewers"));
    Identities identities = readIdentities(root.get("identities"), "identities");
    Map<String, EnvironmentPolicy> environments = new TreeMap<>();
    Map<String, PolicyRules> rules = new TreeMap<>();
    JsonNode envs = root.get("environments");
    if (envs == null || envs.isNull()) {
      problem("environments", "required field is missing");
    } else if (object(envs, "environments", null)) {
      if (envs.isEmpty()) {
        problem("environments", "declares no environment");
      }
      for (Map.Entry<String, JsonNode> e : envs.properties()) {
        String path = "environments." + e.getKey();
        if (!NAME.matcher(e.getKey()).matches()) {
          problem(
              path,
              "environment name must be lower-case letters, digits and '-' (it names task queue interlock-env-<name>)");
        }
        EnvironmentPolicy env = readEnvironment(e.getKey(), e.getValue(), path);
        if (env != null) {
          environments.put(e.getKey(), env);
          rules.put(e.getKey(), PolicyRules.compile(env.rules(), path + ".rules", problems));
        }
      }
    }
    if (!problems.isEmpty()) {
      throw new PolicyException(source, problems);
    }
    return new PolicyFile(source, version, groups, reviewers, identities, environments, rules);
  }

  private String syntaxProblem(JsonParseException e) {
    String where = "";
    JsonParser p = e.getProcessor();
    if (p != null && p.getParsingContext() != null) {
      String pointer = p.getParsingContext().pathAsPointer().toString();
      where = pointer.isEmpty() ? "" : pointer.substring(1).replace('/', '.') + ": ";
    }
    String line = e.getLocation() == null ? "" : " (line " + e.getLocation().getLineNr() + ")";
    String msg = e.getOriginalMessage();
    if (msg != null && msg.startsWith("Duplicate field")) {
      msg = "duplicate key " + msg.substring("Duplicate field ".length());
    }
    return where + msg + line;
  }

  private Map<String, List<String>> readGroups(JsonNode node) {
    Map<String, List<String>> out = new TreeMap<>();
    if (node == null || node.isNull() || !object(node, "groups", null)) {
      return out;
    }
    node.properties()
        .forEach(
            e -> {
              String path = "groups." + e.getKey();
              List<String> users = stringList(e.getValue(), path);
              if (users.isEmpty()) {
                problem(path, "a group needs at least one user");
              }
              out.put(e.getKey(), users);
            });
    return out;
  }

  private Reviewers readReviewers(JsonNode node) {
    if (node == null || node.isNull() || !object(node, "reviewers", REVIEWERS)) {
      return Reviewers.NONE;
    }
    List<String> g = stringList(node.get("groups"), "reviewers.groups");
    if (g.isEmpty()) {
      problem("reviewers.groups", "name the groups that may read every task (or remove reviewers)");
    }
    knownGroups(g, "reviewers.groups");
    return new Reviewers(g);
  }

  private EnvironmentPolicy readEnvironment(String name, JsonNode env, String path) {
    if (!object(env, path, ENV)) {
      return null;
    }
    ClusterRef cluster = readCluster(env.get("cluster"), path + ".cluster");
    CredentialRef credentials = readCredentials(env.get("credentials"), path + ".credentials");
    Impersonation impersonation =
        readImpersonation(env.get("impersonation"), path + ".impersonation");
    List<String> namespaces = stringList(env.get("allowedNamespaces"), path + ".allowedNamespaces");
    for (int i = 0; i < namespaces.size(); i++) {
      String ns = namespaces.get(i);
      if (!NAME.matcher(ns).matches()) {
        problem(
            path + ".allowedNamespaces[" + i + "]",
            "'" + ns + "' is not a namespace name; list each namespace explicitly (no wildcards)");
      }
    }
    List<String> kinds =
        stringList(env.get("allowedClusterScopedKinds"), path + ".allowedClusterScopedKinds");
    for (int i = 0; i < kinds.size(); i++) {
      if (KubernetesKinds.NAMESPACED.contains(kinds.get(i))) {
        problem(
            path + ".allowedClusterScopedKinds[" + i + "]",
            kinds.get(i) + " is namespaced; allow it through allowedNamespaces instead");
      }
    }
    ToolAllowance tools = null;
    if (env.get("allowedTools") == null) {
      problem(
          path + ".allowedTools",
          "required field is missing (list tool names, 'k8s.*', '@read', '@write' or '*')");
    } else {
      List<String> entries = stringList(env.get("allowedTools"), path + ".allowedTools");
      if (entries.isEmpty()) {
        problem(path + ".allowedTools", "allows no tool");
      }
      tools = new ToolAllowance(entries);
    }
    ApprovalPolicy approvals = readApprovals(env.get("approvals"), path + ".approvals");
    String requestProof = readRequests(env.get("requests"), path + ".requests");
    List<FreezeWindow> windows = readWindows(env.get("freezeWindows"), path + ".freezeWindows");
    BreakGlass breakGlass = readBreakGlass(env.get("breakGlass"), path + ".breakGlass");
    long verifyBudget = integer(env, "verifyBudgetSeconds", path, 0, 0, Integer.MAX_VALUE);
    List<CelRule> rules = readRules(env.get("rules"), path + ".rules");
    if (cluster == null || tools == null || approvals == null) {
      return null;
    }
    return new EnvironmentPolicy(
        name,
        cluster,
        credentials,
        impersonation,
        namespaces,
        kinds,
        tools,
        approvals,
        requestProof,
        windows,
        breakGlass,
        verifyBudget,
        rules);
  }

  private Identities readIdentities(JsonNode node, String path) {
    if (node == null || node.isNull()) {
      return Identities.NONE;
    }
    if (!object(node, path, IDENTITIES)) {
      return Identities.NONE;
    }
    List<String> files = stringList(node.get("allowedSigners"), path + ".allowedSigners");
    Map<String, List<String>> keys = new TreeMap<>();
    JsonNode ssh = node.get("sshKeys");
    if (ssh != null && !ssh.isNull() && object(ssh, path + ".sshKeys", null)) {
      for (Map.Entry<String, JsonNode> e : ssh.properties()) {
        String p = path + ".sshKeys." + e.getKey();
        List<String> list = stringList(e.getValue(), p);
        for (int i = 0; i < list.size(); i++) {
          if (!io.interlock.workflows.proof.SshKeys.parses(list.get(i))) {
            problem(
                p + "[" + i + "]",
                "not an SSH public key line ('ssh-ed25519 AAAA... comment', as in id_ed25519.pub)");
          }
        }
        keys.put(e.getKey(), list);
      }
    }
    Map<String, Identities.Issuer> issuers = new TreeMap<>();
    JsonNode iss = node.get("issuers");
    if (iss != null && !iss.isNull() && object(iss, path + ".issuers", null)) {
      for (Map.Entry<String, JsonNode> e : iss.properties()) {
        String p = path + ".issuers." + e.getKey();
        if (!object(e.getValue(), p, ISSUER)) {
          continue;
        }
        List<String> jwks = new ArrayList<>();
        JsonNode inline = e.getValue().get("jwks");
        if (inline != null && !inline.isNull()) {
          if (!inline.isArray()) {
            problem(p + ".jwks", "must be a list of public JWKs");
          } else {
            for (int i = 0; i < inline.size(); i++) {
              String json = inline.get(i).toString();
              if (!inline.get(i).isObject() || !JwkSet.parses(json) || inline.get(i).has("d")) {
                problem(
                    p + ".jwks[" + i + "]",
                    "must be a public JWK (kty OKP/Ed25519 or EC/P-256, no private 'd')");
              } else {
                jwks.add(json);
              }
            }
          }
        }
        String file = string(e.getValue(), "jwksFile", p, false);
        if (jwks.isEmpty() && file == null) {
          problem(p, "give the issuer's public keys: jwks: [...] or jwksFile: PATH");
        }
        issuers.put(e.getKey(), new Identities.Issuer(jwks, file));
      }
    }
    long maxProof = integer(node, "maxProofSeconds", path, 0, 1, 86_400);
    return new Identities(files, keys, issuers, maxProof);
  }

  /** {@code requests.proof}: whether a task's requester must be proven (default required). */
  private String readRequests(JsonNode node, String path) {
    if (node == null || node.isNull() || !object(node, path, REQUESTS)) {
      return "required";
    }
    return proofMode(node, path);
  }

  private String proofMode(JsonNode node, String path) {
    String mode = string(node, "proof", path, false);
    if (mode == null) {
      return "required";
    }
    if (!PROOF_MODES.contains(mode)) {
      problem(
          path + ".proof",
          "'"
              + mode
              + "' is not a proof mode; use required (default) or claimed (insecure, sandbox only)");
      return "required";
    }
    return mode;
  }

  private ClusterRef readCluster(JsonNode node, String path) {
    if (node == null || node.isNull()) {
      problem(
          path,
          "required field is missing: {simulated: true} | {kubeconfigContext: NAME} | {inCluster: true}");
      return null;
    }
    if (!object(node, path, CLUSTER)) {
      return null;
    }
    boolean simulated = bool(node, "simulated", path, false);
    String context = string(node, "kubeconfigContext", path, false);
    boolean inCluster = bool(node, "inCluster", path, false);
    int chosen = (simulated ? 1 : 0) + (context != null ? 1 : 0) + (inCluster ? 1 : 0);
    if (chosen != 1) {
      problem(path, "set exactly one of simulated: true, kubeconfigContext: NAME, inCluster: true");
      return null;
    }
    return new ClusterRef(simulated, context, inCluster);
  }

  private CredentialRef readCredentials(JsonNode node, String path) {
    if (node == null || node.isNull() || !object(node, path, CREDENTIALS)) {
      return null;
    }
    String ref = string(node, "ref", path, true);
    if (ref == null) {
      return null;
    }
    if (!ref.matches("(env|file):.+")) {
      problem(
          path + ".ref",
          "'"
              + ref
              + "' must name a credential as env:VARIABLE or file:/path (never the credential itself)");
      return null;
    }
    return new CredentialRef(ref);
  }

  private Impersonation readImpersonation(JsonNode node, String path) {
    if (node == null || node.isNull() || !object(node, path, IMPERSONATION)) {
      return null;
    }
    String user = string(node, "user", path, true);
    return user == null
        ? null
        : new Impersonation(user, stringList(node.get("groups"), path + ".groups"));
  }

  private ApprovalPolicy readApprovals(JsonNode node, String path) {
    if (node == null || node.isNull()) {
      problem(path, "required field is missing: {groups: [...], required: N}");
      return null;
    }
    if (!object(node, path, APPROVALS)) {
      return null;
    }
    List<String> approverGroups = stringList(node.get("groups"), path + ".groups");
    if (approverGroups.isEmpty()) {
      problem(path + ".groups", "name at least one group whose members may approve");
    }
    knownGroups(approverGroups, path + ".groups");
    int required = (int) integer(node, "required", path, 1, 1, 100);
    Map<String, Integer> perTool = new LinkedHashMap<>();
    JsonNode tools = node.get("tools");
    if (tools != null && !tools.isNull() && object(tools, path + ".tools", null)) {
      tools
          .properties()
          .forEach(
              e ->
                  perTool.put(
                      e.getKey(), (int) integer(tools, e.getKey(), path + ".tools", 1, 1, 100)));
    }
    int destructive = (int) integer(node, "destructive", path, 0, 1, 100);
    long maxSeconds = integer(node, "maxApprovalSeconds", path, 0, 0, Integer.MAX_VALUE);
    return new ApprovalPolicy(
        approverGroups,
        required,
        perTool,
        destructive,
        maxSeconds,
        proofMode(node, path),
        readBatch(node.get("batch"), path + ".batch"));
  }

  /** {@code approvals.batch}: how many entries one batch statement may hold, and destructive. */
  private BatchPolicy readBatch(JsonNode node, String path) {
    if (node == null || node.isNull() || !object(node, path, BATCH)) {
      return BatchPolicy.DEFAULT;
    }
    int max =
        (int)
            integer(node, "maxEntries", path, BatchPolicy.MAX_ENTRIES, 1, BatchPolicy.MAX_ENTRIES);
    return new BatchPolicy(max, bool(node, "destructive", path, true));
  }

  private BreakGlass readBreakGlass(JsonNode node, String path) {
    if (node == null || node.isNull() || !object(node, path, BREAK_GLASS)) {
      return null;
    }
    List<String> g = stringList(node.get("groups"), path + ".groups");
    if (g.isEmpty()) {
      problem(path + ".groups", "name the groups that may break glass (or remove breakGlass)");
    }
    knownGroups(g, path + ".groups");
    return new BreakGlass(g);
  }

  private List<FreezeWindow> readWindows(JsonNode node, String path) {
    return readList(node, path, "window", this::readWindow, FreezeWindow::id);
  }

  /**
   * A YAML list of items with ids: each item read by {@code item} (null when invalid), ids unique.
   */
  private <T> List<T> readList(
      JsonNode node,
      String path,
      String what,
      BiFunction<JsonNode, String, T> item,
      Function<T, String> idOf) {
    List<T> out = new ArrayList<>();
    if (node == null || node.isNull()) {
      return out;
    }
    if (!node.isArray()) {
      problem(path, "must be a list");
      return out;
    }
    Set<String> ids = new LinkedHashSet<>();
    for (int i = 0; i < node.size(); i++) {
      String p = path + "[" + i + "]";
      T t = item.apply(node.get(i), p);
      if (t != null) {
        if (!ids.add(idOf.apply(t))) {
          problem(p + ".id", "duplicate " + what + " id '" + idOf.apply(t) + "'");
        }
        out.add(t);
      }
    }
    return out;
  }

  /** The id of a window or rule: required, lower-case letters, digits, '-', '_' or '.'. */
  private String itemId(JsonNode node, String path) {
    String id = string(node, "id", path, true);
    if (id != null && !RULE_ID.matcher(id).matches()) {
      problem(path + ".id", "'" + id + "' must be lower-case letters, digits, '-', '_' or '.'");
    }
    return id;
  }

  private FreezeWindow readWindow(JsonNode node, String path) {
    if (!object(node, path, WINDOW)) {
      return null;
    }
    String id = itemId(node, path);
    String typeText = string(node, "type", path, false);
    FreezeWindow.Type type = FreezeWindow.Type.DENY;
    if (typeText != null) {
      switch (typeText) {
        case "deny" -> type = FreezeWindow.Type.DENY;
        case "allow" -> type = FreezeWindow.Type.ALLOW;
        default ->
            problem(path + ".type", "'" + typeText + "' is not a window type; use deny or allow");
      }
    }
    ZoneId zone = zone(node, path);
    boolean breakGlass = bool(node, "breakGlass", path, true);
    String message = string(node, "message", path, false);
    WindowSchedule schedule = readSchedule(node, path, zone);
    if (id == null || zone == null || schedule == null) {
      return null;
    }
    return new FreezeWindow(id, type, zone, schedule, breakGlass, message);
  }

  private ZoneId zone(JsonNode node, String path) {
    String text = string(node, "timezone", path, true);
    if (text == null) {
      return null;
    }
    try {
      ZoneId zone = ZoneId.of(text);
      if (zone instanceof ZoneOffset) {
        problem(
            path + ".timezone",
            "'"
                + text
                + "' is a fixed offset; use an IANA zone such as Europe/Berlin so DST is handled");
        return null;
      }
      return zone;
    } catch (java.time.DateTimeException e) {
      problem(
          path + ".timezone",
          "unknown time zone '" + text + "' (use an IANA name such as America/New_York)");
      return null;
    }
  }

  private WindowSchedule readSchedule(JsonNode node, String path, ZoneId zone) {
    boolean cron = node.has("schedule") || node.has("duration");
    boolean weekly = node.has("from") || node.has("to");
    boolean daily = node.has("days");
    boolean absolute = !daily && (node.has("start") || node.has("end"));
    int forms = (cron ? 1 : 0) + (weekly ? 1 : 0) + (daily ? 1 : 0) + (absolute ? 1 : 0);
    if (forms != 1) {
      problem(
          path,
          "set exactly one schedule: start+end (absolute), days+start+end (daily), from+to (weekly) or schedule+duration (cron)");
      return null;
    }
    if (cron) {
      String text = string(node, "schedule", path, true);
      Duration duration = duration(node, path);
      if (text == null || duration == null) {
        return null;
      }
      try {
        return new WindowSchedule.Cron(CronSchedule.parse(text), duration);
      } catch (IllegalArgumentException e) {
        problem(path + ".schedule", "bad cron: " + e.getMessage());
        return null;
      }
    }
    if (weekly) {
      DayTime from = dayTime(node, "from", path);
      DayTime to = dayTime(node, "to", path);
      return from == null || to == null
          ? null
          : new WindowSchedule.Weekly(from.day(), from.time(), to.day(), to.time());
    }
    if (daily) {
      Set<DayOfWeek> days = new LinkedHashSet<>();
      List<String> names = stringList(node.get("days"), path + ".days");
      for (int i = 0; i < names.size(); i++) {
        DayOfWeek d = day(names.get(i));
        if (d == null) {
          problem(path + ".days[" + i + "]", "'" + names.get(i) + "' is not a day (MON..SUN)");
        } else {
          days.add(d);
        }
      }
      if (names.isEmpty()) {
        problem(path + ".days", "list at least one day");
      }
      LocalTime start = time(node, "start", path);
      LocalTime end = time(node, "end", path);
      return start == null || end == null || days.isEmpty()
          ? null
          : new WindowSchedule.Daily(days, start, end);
    }
    LocalDateTime start = dateTime(node, "start", path, zone);
    LocalDateTime end = dateTime(node, "end", path, zone);
    if (start == null || end == null) {
      return null;
    }
    if (!end.isAfter(start)) {
      problem(path + ".end", "end " + end + " is not after start " + start);
      return null;
    }
    return new WindowSchedule.Absolute(start, end);
  }

  private record DayTime(DayOfWeek day, LocalTime time) {}

  private DayTime dayTime(JsonNode node, String field, String path) {
    String text = string(node, field, path, true);
    if (text == null) {
      return null;
    }
    Matcher m = WEEK_TIME.matcher(text.trim());
    DayOfWeek d = m.matches() ? day(m.group(1)) : null;
    LocalTime t = m.matches() ? parseTime(m.group(2)) : null;
    if (d == null || t == null) {
      problem(path + "." + field, "'" + text + "' must be a day and a time such as \"FRI 22:00\"");
      return null;
    }
    return new DayTime(d, t);
  }

  private LocalTime time(JsonNode node, String field, String path) {
    JsonNode v = node.get(field);
    if (v != null && v.isNumber()) {
      problem(path + "." + field, "quote times (\"22:00\"): YAML read " + v + " as a number");
      return null;
    }
    String text = string(node, field, path, true);
    if (text == null) {
      return null;
    }
    LocalTime t = parseTime(text);
    if (t == null) {
      problem(path + "." + field, "'" + text + "' is not a time of day HH:MM");
    }
    return t;
  }

  private LocalDateTime dateTime(JsonNode node, String field, String path, ZoneId zone) {
    String text = string(node, field, path, true);
    if (text == null) {
      return null;
    }
    try {
      return LocalDateTime.parse(text);
    } catch (DateTimeParseException ignored) {
      // Not a local date-time; try the other accepted forms below.
    }
    try {
      return LocalDate.parse(text).atStartOfDay();
    } catch (DateTimeParseException ignored) {
      // Not a bare date either.
    }
    try {
      OffsetDateTime odt = OffsetDateTime.parse(text);
      return zone == null ? odt.toLocalDateTime() : odt.atZoneSameInstant(zone).toLocalDateTime();
    } catch (DateTimeParseException e) {
      problem(
          path + "." + field,
          "'"
              + text
              + "' is not an ISO date-time such as 2026-11-27T00:00 (local to the window's timezone)");
      return null;
    }
  }

  private Duration duration(JsonNode node, String path) {
    String text = string(node, "duration", path, true);
    if (text == null) {
      return null;
    }
    Duration d = null;
    Matcher m = DURATION.matcher(text.trim());
    if (!text.isBlank() && m.matches()) {
      d = Duration.ZERO;
      long[] unit = {86400, 3600, 60, 1};
      for (int g = 1; g <= 4; g++) {
        if (m.group(g) != null) {
          d = d.plusSeconds(Long.parseLong(m.group(g)) * unit[g - 1]);
        }
      }
    } else {
      try {
        d = Duration.parse(text.trim());
      } catch (DateTimeParseException e) {
        problem(path + ".duration", "'" + text + "' is not a duration such as 1h30m, 56h or PT2H");
        return null;
      }
    }
    if (d.isZero() || d.isNegative() || d.compareTo(MAX_CRON_DURATION) > 0) {
      problem(path + ".duration", "'" + text + "' must be more than 0 and at most 31 days");
      return null;
    }
    return d;
  }

  private List<CelRule> readRules(JsonNode node, String path) {
    return readList(node, path, "rule", this::readRule, CelRule::id);
  }

  private CelRule readRule(JsonNode r, String p) {
    if (!object(r, p, RULE)) {
      return null;
    }
    String id = itemId(r, p);
    String message = string(r, "message", p, true);
    String expression = string(r, "expression", p, true);
    String effect = string(r, "effect", p, false);
    boolean hasRequire = r.has("requireApprovals");
    int require = (int) integer(r, "requireApprovals", p, 0, 1, 100);
    if ((effect == null) == !hasRequire) {
      problem(p, "set exactly one of effect: deny, requireApprovals: N");
      return null;
    }
    if (effect != null && !effect.equals("deny")) {
      problem(
          p + ".effect", "'" + effect + "' is not an effect; use deny (or requireApprovals: N)");
      return null;
    }
    return id != null && message != null && expression != null
        ? new CelRule(id, message, expression, effect != null, hasRequire ? require : 0)
        : null;
  }

  private void knownGroups(List<String> names, String path) {
    for (int i = 0; i < names.size(); i++) {
      if (!groups.containsKey(names.get(i))) {
        problem(
            path + "[" + i + "]",
            "unknown group '" + names.get(i) + "' (declared groups: " + groups.keySet() + ")");
      }
    }
  }

  // --- generic field readers: each records a problem with its path and returns a safe default ---

  private boolean object(JsonNode node, String path, Set<String> allowed) {
    if (node == null || !node.isObject()) {
      problem(
          path,
          "must be a mapping (key: value), got "
              + (node == null
                  ? "nothing"
                  : node.getNodeType().toString().toLowerCase(Locale.ROOT)));
      return false;
    }
    if (allowed != null) {
      for (Iterator<String> it = node.fieldNames(); it.hasNext(); ) {
        String f = it.next();
        if (!allowed.contains(f)) {
          problem(
              prefix(path) + f,
              "unknown field '"
                  + f
                  + "' (allowed: "
                  + String.join(", ", new java.util.TreeSet<>(allowed))
                  + ")");
        }
      }
    }
    return true;
  }

  private String string(JsonNode parent, String field, String path, boolean required) {
    JsonNode v = parent.get(field);
    if (v == null || v.isNull()) {
      if (required) {
        problem(prefix(path) + field, "required field is missing");
      }
      return null;
    }
    if (!v.isValueNode() || v.asText().isBlank()) {
      problem(prefix(path) + field, "must be a non-empty text value");
      return null;
    }
    return v.asText();
  }

  private boolean bool(JsonNode parent, String field, String path, boolean dflt) {
    JsonNode v = parent.get(field);
    if (v == null || v.isNull()) {
      return dflt;
    }
    if (!v.isBoolean()) {
      problem(prefix(path) + field, "must be true or false, got " + v);
      return dflt;
    }
    return v.booleanValue();
  }

  private long integer(JsonNode parent, String field, String path, long dflt, long min, long max) {
    JsonNode v = parent.get(field);
    if (v == null || v.isNull()) {
      return dflt;
    }
    if (!v.isIntegralNumber()) {
      problem(prefix(path) + field, "must be a whole number, got " + v);
      return dflt;
    }
    long n = v.longValue();
    if (n < min || n > max) {
      problem(
          prefix(path) + field,
          "must be "
              + (max >= Integer.MAX_VALUE ? "at least " + min : "between " + min + " and " + max)
              + ", got "
              + n);
      return dflt;
    }
    return n;
  }

  private List<String> stringList(JsonNode node, String path) {
    List<String> out = new ArrayList<>();
    if (node == null || node.isNull()) {
      return out;
    }
    if (!node.isArray()) {
      problem(
          path, "must be a list, got " + node.getNodeType().toString().toLowerCase(Locale.ROOT));
      return out;
    }
    for (int i = 0; i < node.size(); i++) {
      JsonNode v = node.get(i);
      if (!v.isValueNode() || v.isNull() || v.asText().isBlank()) {
        problem(path + "[" + i + "]", "must be a non-empty text value");
      } else {
        out.add(v.asText());
      }
    }
    return out;
  }

  private static String prefix(String path) {
    return path.equals("(top level)") ? "" : path + ".";
  }

  private static DayOfWeek day(String text) {
    String t = text.toUpperCase(Locale.ROOT);
    for (DayOfWeek d : DayOfWeek.values()) {
      if (d.name().equals(t) || d.name().substring(0, 3).equals(t)) {
        return d;
      }
    }
    return null;
  }

  private static LocalTime parseTime(String text) {
    try {
      return LocalTime.parse(text.length() == 4 ? "0" + text : text);
    } catch (DateTimeParseException e) {
      return null;
    }
  }

  private void problem(String path, String message) {
    problems.add(path + ": " + message);
  }
}
