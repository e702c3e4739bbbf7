package io.interlock.worker.ui;

import io.interlock.worker.auth.Caller;
import io.interlock.worker.config.InterlockConfig;
import io.interlock.worker.environments.PolicyView;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.core.MediaType;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import org.eclipse.microprofile.openapi.annotations.Operation;

/**
 * What the web page's sign-in offers before anyone is signed in (so outside /api): in dev mode the
 * demo identities and their tokens, which the dev server prints anyway; in server mode nothing.
 */
@Path("/ui/sign-in")
@Produces(MediaType.APPLICATION_JSON)
public class SignInResource {
  private final InterlockConfig config;
  private final PolicyView policy;

  public SignInResource(InterlockConfig config, PolicyView policy) {
    this.config = config;
    this.policy = policy;
  }

  /** A demo identity the page can sign in as with one click. */
  public record DemoIdentity(String token, String user, String kind, List<String> groups) {}

  /** The sign-in options. */
  public record SignInOptions(String mode, List<DemoIdentity> demoIdentities, String hint) {}

  @GET
  @Operation(
      summary = "Sign-in options of the web page: the demo tokens in dev mode, none in server mode")
  public SignInOptions options() {
    if (config.mode() != InterlockConfig.Mode.dev) {
      return new SignInOptions(
          config.mode().name(), List.of(), "paste the bearer token your administrator gave you");
    }
    List<DemoIdentity> demo =
        new TreeMap<>(config.dev().tokens())
            .entrySet().stream()
                .sorted(Map.Entry.comparingByValue())
                .map(
                    e ->
                        new DemoIdentity(
                            e.getKey(),
                            e.getValue(),
                            Caller.kindOf(e.getValue()),
                            policy.groupsOf(e.getValue())))
                .toList();
    return new SignInOptions(
        config.mode().name(), demo, "dev mode: pick a demo identity or paste a token");
  }
}
