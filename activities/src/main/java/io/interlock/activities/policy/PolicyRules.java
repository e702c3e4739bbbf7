package io.interlock.activities.policy;

import dev.cel.bundle.Cel;
import dev.cel.bundle.CelFactory;
import dev.cel.common.CelOptions;
import dev.cel.common.CelValidationException;
import dev.cel.common.types.MapType;
import dev.cel.common.types.SimpleType;
import dev.cel.parser.CelStandardMacro;
import dev.cel.runtime.CelEvaluationException;
import dev.cel.runtime.CelRuntime;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * An environment's CEL rules, compiled once at load (opaque outside this package). Variables:
 * {@code call} ({tool, args}), {@code target} (the previewed object: apiVersion, kind, namespace,
 * name, uid, resourceVersion, exists, intended), {@code spec} (the tool's registry entry: name,
 * effect, destructive, idempotent), {@code environment}, {@code requester}, {@code stage} and
 * {@code now} (timestamp).
 */
public final class PolicyRules {
  private static final Cel CEL =
      CelFactory.standardCelBuilder()
          .setOptions(
              CelOptions.current()
                  // replicas may arrive as 25 or 25.0; both must compare with 20.
                  .enableHeterogeneousNumericComparisons(true)
                  .build())
          .setStandardMacros(CelStandardMacro.STANDARD_MACROS)
          .addVar("call", MapType.create(SimpleType.STRING, SimpleType.DYN))
          .addVar("target", MapType.create(SimpleType.STRING, SimpleType.DYN))
          .addVar("spec", MapType.create(SimpleType.STRING, SimpleType.DYN))
          .addVar("environment", SimpleType.STRING)
          .addVar("requester", SimpleType.STRING)
          .addVar("stage", SimpleType.STRING)
          .addVar("now", SimpleType.TIMESTAMP)
          .setResultType(SimpleType.BOOL)
          .build();

  /** One rule's verdict: fired, or an evaluation error (which denies). */
  record Outcome(CelRule rule, boolean fired, String error) {}

  private record Compiled(CelRule rule, CelRuntime.Program program) {}

  private final List<Compiled> compiled;

  private PolicyRules(List<Compiled> compiled) {
    this.compiled = List.copyOf(compiled);
  }

  /** Compiles {@code rules}; each failure is added to {@code problems} under {@code path[i]}. */
  static PolicyRules compile(List<CelRule> rules, String path, List<String> problems) {
    List<Compiled> out = new ArrayList<>();
    for (int i = 0; i < rules.size(); i++) {
      CelRule rule = rules.get(i);
      try {
        out.add(new Compiled(rule, CEL.createProgram(CEL.compile(rule.expression()).getAst())));
      } catch (CelValidationException e) {
        problems.add(
            path
                + "["
                + i
                + "].expression: rule '"
                + rule.id()
                + "' does not compile: "
                + e.getMessage());
      } catch (dev.cel.common.CelException e) {
        problems.add(
            path
                + "["
                + i
                + "].expression: rule '"
                + rule.id()
                + "' cannot be planned: "
                + e.getMessage());
      }
    }
    return new PolicyRules(out);
  }

  List<Outcome> evaluate(Map<String, Object> variables) {
    List<Outcome> outcomes = new ArrayList<>();
    for (Compiled c : compiled) {
      try {
        Object result = c.program().eval(variables);
        if (result instanceof Boolean b) {
          outcomes.add(new Outcome(c.rule(), b, null));
        } else {
          outcomes.add(
              new Outcome(c.rule(), false, "expression returned " + result + ", not a boolean"));
        }
      } catch (CelEvaluationException | RuntimeException e) {
        // Fail closed: an error is an error even when it carries no message.
        String why =
            e.getMessage() == null || e.getMessage().isBlank()
                ? e.getClass().getSimpleName()
                : e.getMessage();
        outcomes.add(new Outcome(c.rule(), false, why));
      }
    }
    return outcomes;
  }
}
