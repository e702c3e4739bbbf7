package io.interlock.worker;

import io.interlock.worker.dev.DevBanner;
import io.quarkus.runtime.Quarkus;
import io.quarkus.runtime.QuarkusApplication;
import jakarta.inject.Inject;

/** The running server: workers and API are up once this is called; print where, then wait. */
public class Server implements QuarkusApplication {
  @Inject DevBanner banner;

  @Override
  public int run(String... args) {
    banner.print();
    Quarkus.waitForExit();
    return 0;
  }
}
