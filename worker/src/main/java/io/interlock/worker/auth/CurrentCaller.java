package io.interlock.worker.auth;

import jakarta.enterprise.context.RequestScoped;

/** Holds the authenticated caller for the current request (set by {@link BearerTokenFilter}). */
@RequestScoped
public class CurrentCaller {
  private Caller caller;

  void set(Caller caller) {
    this.caller = caller;
  }

  /** The caller; the filter guarantees one exists for every /api request. */
  public Caller get() {
    if (caller == null) {
      throw new IllegalStateException(
          "no authenticated caller: the request did not pass the bearer-token filter");
    }
    return caller;
  }
}
