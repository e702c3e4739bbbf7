package io.interlock.worker.auth;

import io.interlock.worker.config.InterlockConfig;
import io.interlock.worker.environments.PolicyView;
import jakarta.enterprise.context.ApplicationScoped;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.util.HashMap;
import java.util.Map;
import java.util.Optional;

/**
 * Resolves a bearer token to a {@link Caller}. Static tokens from configuration; the demo tokens
 * only in dev mode. Production deployments put Quarkus OIDC in front (README, "Authentication").
 */
@ApplicationScoped
public class TokenAuthenticator {
  private final Map<String, String> tokens = new HashMap<>();
  private final PolicyView policy;

  public TokenAuthenticator(InterlockConfig config, PolicyView policy) {
    this.policy = policy;
    if (config.mode() == InterlockConfig.Mode.dev) {
      tokens.putAll(config.dev().tokens());
    }
    tokens.putAll(config.auth().tokens());
  }

  public Optional<Caller> authenticate(String token) {
    if (token == null || token.isBlank()) {
      return Optional.empty();
    }
    for (Map.Entry<String, String> e : tokens.entrySet()) {
      // Constant-time comparison so response timing does not leak token prefixes.
      if (MessageDigest.isEqual(
          e.getKey().getBytes(StandardCharsets.UTF_8), token.getBytes(StandardCharsets.UTF_8))) {
        String user = e.getValue();
        return Optional.of(new Caller(user, Caller.kindOf(user), policy.groupsOf(user)));
      }
    }
    return Optional.empty();
  }
}
