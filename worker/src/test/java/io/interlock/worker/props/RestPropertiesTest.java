package io.interlock.worker.props;

import io.interlock.worker.dev.DevStack;
import io.interlock.worker.dev.InProcessClusterStarter;
import io.quarkus.test.common.http.TestHTTPResource;
import io.quarkus.test.junit.QuarkusTest;
import jakarta.inject.Inject;
import java.net.URI;
import java.net.URL;
import java.util.stream.Stream;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.DynamicTest;
import org.junit.jupiter.api.TestFactory;

/** Runs {@link RestProperties} (jqwik) against this dev stack: one test per property. */
@QuarkusTest
class RestPropertiesTest {
  @Inject DevStack dev;

  @TestHTTPResource("/")
  URL server;

  @TestFactory
  @DisplayName(
      "bad REST inputs: always a 4xx with error, why and next; nothing starts, decides, runs or mutates")
  Stream<DynamicTest> restProperties() throws Exception {
    String base = server.toString().replaceAll("/$", "");
    return PropertiesOnLiveStack.run(
        RestProperties.class.getName(),
        URI.create(base),
        () -> InProcessClusterStarter.of(dev).mutations());
  }
}
