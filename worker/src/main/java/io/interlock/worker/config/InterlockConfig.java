package io.interlock.worker.config;

import io.smallrye.config.ConfigMapping;
import io.smallrye.config.WithDefault;
import io.smallrye.config.WithName;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

/**
 * Everything the worker is configured with, declared once. Each property can also be given as an
 * environment variable ({@code interlock.temporal.target} = {@code INTERLOCK_TEMPORAL_TARGET}).
 */
@ConfigMapping(prefix = "interlock")
public interface InterlockConfig {

  /**
   * {@code dev}: embedded Temporal test server and simulated cluster; {@code server}: real ones.
   */
  @WithDefault("server")
  Mode mode();

  /**
   * Policy YAML file; empty = the bundled example policy. Also {@code --policy FILE} or
   * INTERLOCK_POLICY.
   */
  Optional<String> policy();

  /**
   * What this process runs, so {@code serve} can be split into processes: {@code api} = the REST
   * API, MCP endpoint and web page plus the {@code interlock-tasks} worker (the task workflows and
   * the approvals inbox, which the API answers from); {@code worker} = the {@code
   * interlock-env-<E>} workers of {@code interlock.environments}, the only ones holding cluster
   * credentials. A process without {@code api} answers every HTTP request 404. Default: both.
   */
  @WithDefault("api,worker")
  Set<Role> roles();

  /** A part of the server a process can run; see {@link #roles()}. */
  enum Role {
    api,
    worker
  }

  /** Environments this worker serves (a subset of the policy's); empty = all of them. */
  Optional<List<String>> environments();

  /**
   * Per-environment cluster access (production); dev mode maps every environment to the simulated
   * cluster.
   */
  @WithName("env")
  Map<String, EnvironmentConfig> env();

  /**
   * Host names (the HTTP Host header, without port) this server answers to; anything else gets 421,
   * so a page on another site cannot reach it by DNS rebinding. Empty: loopback names in dev mode
   * (localhost, 127.0.0.1, [::1]); any host in server mode (put the public name here).
   */
  Optional<List<String>> allowedHosts();

  /** How often verification observes the cluster. */
  @WithDefault("1s")
  Duration verifyPollInterval();

  Temporal temporal();

  Dev dev();

  Auth auth();

  Api api();

  Audit audit();

  Secrets secrets();

  enum Mode {
    dev,
    server
  }

  interface Temporal {
    /** host:port of the Temporal frontend (in dev mode the embedded server's address). */
    @WithDefault("127.0.0.1:7233")
    String target();

    /** Temporal namespace. */
    @WithDefault("default")
    String namespace();

    /** Client certificate (PEM) for mTLS; set together with tls-key. */
    Optional<String> tlsCert();

    /** Client private key (PEM, PKCS8) for mTLS. */
    Optional<String> tlsKey();

    /** Temporal Cloud API key (sent as a bearer token over TLS). */
    Optional<String> apiKey();

    /** Register the search attributes at start-up (needs operator rights on a real server). */
    @WithDefault("true")
    boolean registerSearchAttributes();

    /** Rebuild the approvals inbox from visibility at start-up (real servers only). */
    @WithDefault("true")
    boolean rebuildInbox();

    /**
     * Task workflows kept in memory between their turns (each parks two threads): a pending task
     * out of the cache is replayed from its short history when an approval comes. The SDK's 600
     * cost 400 more threads and about 50 MiB more at 2,000 pending (bench/README.md).
     */
    @WithDefault("200")
    int workflowCache();
  }

  interface EnvironmentConfig {
    /** kubeconfig file; empty = $KUBECONFIG / ~/.kube/config, or in-cluster config. */
    Optional<String> kubeconfig();

    /** kubeconfig context for this environment; empty = the file's current context. */
    Optional<String> context();
  }

  interface Dev {
    /** Port of the embedded Temporal server on 127.0.0.1 (0 = a free port). */
    @WithDefault("7233")
    int temporalPort();

    /**
     * HOST:PORT of an external Temporal server (e.g. {@code temporal server start-dev}) to use
     * instead of the embedded one; unset = embed the Java test server.
     */
    Optional<String> temporalTarget();

    /** Where the simulated cluster's kubeconfig is written. */
    @WithDefault("${user.home}/.interlock/dev-kubeconfig")
    String kubeconfigPath();

    /** How long the simulated cluster takes per rollout step (benchmarks set it near zero). */
    @WithDefault("1s")
    Duration rolloutStep();

    /** Print the banner with addresses and a copy-pasteable example. */
    @WithDefault("true")
    boolean banner();

    /**
     * Where the dev server keeps its demo keys (users' SSH keys, the API's and the audit's JWKs).
     */
    @WithDefault("${user.home}/.interlock/keys")
    String keysDir();

    /** Demo bearer tokens (token = identity), honoured only in dev mode. */
    Map<String, String> tokens();

    /**
     * The dev secret store {@code dev}: a directory whose files are values Secrets reference (made
     * on first use).
     */
    @WithDefault("${user.home}/.interlock/secrets")
    String secretsDir();
  }

  /**
   * What the worker holds for Secrets and never hands out: value stores and the key of Secret
   * digests.
   */
  interface Secrets {
    /**
     * Secret stores by name (a DNS-1123 label): a directory whose files are the values, file name =
     * key (a mounted Kubernetes Secret, a Vault Agent or Secrets Store CSI volume). A Secret in a
     * call names a value as {@code {"valueFrom":{"secretRef":{"store":NAME,"key":FILE}}}}; dev mode
     * adds store {@code dev} = {@code interlock.dev.secrets-dir} unless one is named here.
     */
    Map<String, String> stores();

    /**
     * Key of the digests of Secret content (base64 of at least 32 random bytes), as {@code env:VAR}
     * or {@code file:/path}. Every worker serving one environment needs the same key. Dev mode
     * creates the file; a server without one uses a key of its own process (an approval of a Secret
     * write then holds only on the worker that previewed it).
     */
    @WithDefault("file:${user.home}/.interlock/keys/interlock-digest.key")
    String digestKey();
  }

  interface Api {
    /** The name the API signs approval tokens as; policy trusts it under identities.issuers. */
    @WithDefault("interlock-api")
    String issuer();

    /**
     * The API's private signing key (a JWK, Ed25519 or P-256), as a credential reference: {@code
     * env:VAR} or {@code file:/path}. Resolved only in the API process.
     */
    @WithDefault("file:${user.home}/.interlock/keys/interlock-api.jwk")
    String signingKey();
  }

  interface Audit {
    /**
     * Key that signs exported audit reports (a private JWK), as {@code env:VAR} or {@code
     * file:/path}.
     */
    @WithDefault("file:${user.home}/.interlock/keys/interlock-audit.jwk")
    String signingKey();
  }

  interface Auth {
    /**
     * Static bearer tokens, token = identity, honoured in every mode (production should prefer
     * OIDC). Identities starting with {@code agent:} are agents: they start tasks and propose,
     * never approve.
     */
    Map<String, String> tokens();
  }
}
