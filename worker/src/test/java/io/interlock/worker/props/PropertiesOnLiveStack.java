package io.interlock.worker.props;

import java.lang.reflect.Method;
import java.net.URI;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Comparator;
import java.util.List;
import java.util.function.LongSupplier;
import java.util.stream.Stream;
import org.junit.jupiter.api.DynamicTest;
import org.junit.platform.engine.TestExecutionResult;
import org.junit.platform.engine.discovery.DiscoverySelectors;
import org.junit.platform.launcher.EngineFilter;
import org.junit.platform.launcher.Launcher;
import org.junit.platform.launcher.TestExecutionListener;
import org.junit.platform.launcher.TestIdentifier;
import org.junit.platform.launcher.core.LauncherDiscoveryRequestBuilder;
import org.junit.platform.launcher.core.LauncherFactory;

/**
 * Runs a jqwik property class while a @QuarkusTest's dev stack is up, one dynamic test per
 * property. jqwik cannot start Quarkus itself (jqwik#487): the test attaches its stack to {@link
 * LiveStack} and launches the jqwik engine on the class as the JVM's own loader has it, where jqwik
 * runs it exactly as it runs any property (tries, edge cases, shrinking, its report on stdout).
 */
final class PropertiesOnLiveStack {
  private static final String PROPERTY = "net.jqwik.api.Property";

  private PropertiesOnLiveStack() {}

  static Stream<DynamicTest> run(String propertiesClass, URI base, LongSupplier mutations)
      throws Exception {
    ClassLoader jvm = ClassLoader.getSystemClassLoader();
    jvm.loadClass(PropertiesOnLiveStack.class.getPackageName() + ".LiveStack")
        .getMethod("attach", URI.class, LongSupplier.class)
        .invoke(null, base, mutations);
    Class<?> properties = jvm.loadClass(propertiesClass);
    List<Method> methods =
        Arrays.stream(properties.getDeclaredMethods())
            .filter(
                m ->
                    Arrays.stream(m.getAnnotations())
                        .anyMatch(a -> a.annotationType().getName().equals(PROPERTY)))
            .sorted(Comparator.comparing(Method::getName))
            .toList();
    if (methods.isEmpty()) {
      throw new IllegalStateException(propertiesClass + " has no @Property method");
    }
    return methods.stream()
        .map(m -> DynamicTest.dynamicTest(m.getName(), () -> check(properties, m, jvm)));
  }

  private static void check(Class<?> properties, Method property, ClassLoader jvm) {
    Outcome outcome = new Outcome();
    Thread thread = Thread.currentThread();
    ClassLoader before = thread.getContextClassLoader();
    thread.setContextClassLoader(jvm);
    try {
      Launcher launcher = LauncherFactory.create();
      launcher.execute(
          LauncherDiscoveryRequestBuilder.request()
              .selectors(DiscoverySelectors.selectMethod(properties, property))
              .filters(EngineFilter.includeEngines("jqwik"))
              // jqwik keeps failed samples to try first next time: under target/, so no run leaves
              // a file to commit.
              // (Not in a junit-platform.properties: that would hide Quarkus's own, which orders
              // test classes by profile.)
              .configurationParameter("jqwik.database", "target/jqwik-database")
              .build(),
          outcome);
    } finally {
      thread.setContextClassLoader(before);
    }
    if (outcome.ran == 0) {
      throw new AssertionError("jqwik did not run " + property.getName());
    }
    if (!outcome.failures.isEmpty()) {
      Throwable first = outcome.failures.get(0);
      AssertionError failed =
          new AssertionError(
              property.getName()
                  + " failed (jqwik's report above has the shrunk"
                  + " sample and the seed): "
                  + first.getMessage(),
              first);
      outcome.failures.stream().skip(1).forEach(failed::addSuppressed);
      throw failed;
    }
  }

  /** What jqwik reported for the property's test: whether it ran, and how it failed. */
  private static final class Outcome implements TestExecutionListener {
    int ran;
    final List<Throwable> failures = new ArrayList<>();

    @Override
    public void executionFinished(TestIdentifier id, TestExecutionResult result) {
      if (!id.isTest()) {
        return;
      }
      ran++;
      if (result.getStatus() != TestExecutionResult.Status.SUCCESSFUL) {
        failures.add(
            result
                .getThrowable()
                .orElseGet(() -> new AssertionError(id.getDisplayName() + ": " + result)));
      }
    }
  }
}
