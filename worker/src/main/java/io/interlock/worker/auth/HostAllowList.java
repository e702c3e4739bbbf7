package io.interlock.worker.auth;

import io.interlock.worker.api.ApiError;
import io.interlock.worker.config.InterlockConfig;
import jakarta.ws.rs.container.ContainerRequestContext;
import jakarta.ws.rs.container.ContainerRequestFilter;
import jakarta.ws.rs.container.PreMatching;
import jakarta.ws.rs.core.HttpHeaders;
import jakarta.ws.rs.core.MediaType;
import jakarta.ws.rs.core.Response;
import jakarta.ws.rs.ext.Provider;
import java.net.URI;
import java.util.List;
import java.util.Locale;
import java.util.Set;
import java.util.TreeSet;

/**
 * DNS-rebinding guard: a request whose Host is not one this server answers to (421), or that a
 * browser sends from another site's page (its Origin; 403), is refused before any resource runs, so
 * another site's page can neither read the dev sign-in's demo tokens nor call the API or MCP
 * endpoint.
 */
@Provider
@PreMatching
public class HostAllowList implements ContainerRequestFilter {
  static final List<String> LOOPBACK = List.of("localhost", "127.0.0.1", "[::1]", "::1");

  private final AllowedHosts hosts;

  public HostAllowList(AllowedHosts hosts) {
    this.hosts = hosts;
  }

  /** The configured host names, read once (an application-scoped bean, built on first use). */
  @jakarta.enterprise.context.ApplicationScoped
  public static class AllowedHosts {
    private final Set<String> allowed = new TreeSet<>();

    public AllowedHosts(InterlockConfig config) {
      config
          .allowedHosts()
          .orElse(config.mode() == InterlockConfig.Mode.dev ? LOOPBACK : List.of())
          .forEach(h -> allowed.add(h.toLowerCase(Locale.ROOT)));
    }

    public Set<String> names() {
      return allowed;
    }

    /** Whether {@code host} (no port) may be served; everything when no list applies. */
    public boolean allows(String host) {
      return allowed.isEmpty() || (host != null && allowed.contains(host.toLowerCase(Locale.ROOT)));
    }
  }

  @Override
  public void filter(ContainerRequestContext request) {
    Set<String> allowed = hosts.names();
    if (allowed.isEmpty()) {
      return;
    }
    // The request URI's host is the Host header, or HTTP/2's :authority when there is none.
    String host = request.getUriInfo().getRequestUri().getHost();
    if (host == null) {
      host = hostOf(request.getHeaderString(HttpHeaders.HOST));
    }
    if (!hosts.allows(host)) {
      // 421 Misdirected Request: the name is not this server's.
      request.abortWith(
          refused(
              421,
              "host '" + shorten(host) + "' is not one this server answers to",
              "a page served under another name could read this server's answers (DNS rebinding)",
              "use one of " + allowed + " (interlock.allowed-hosts)"));
      return;
    }
    String origin = request.getHeaderString("Origin");
    if (origin != null && !origin.isBlank() && !"null".equals(origin)) {
      String originHost;
      try {
        originHost = URI.create(origin).getHost();
      } catch (IllegalArgumentException e) {
        originHost = null;
      }
      if (!hosts.allows(originHost)) {
        request.abortWith(
            refused(
                Response.Status.FORBIDDEN.getStatusCode(),
                "origin '" + shorten(origin) + "' may not call this server",
                "a page of another site must not act with your session",
                "open the web page from one of " + allowed));
      }
    }
  }

  private static String hostOf(String header) {
    if (header == null || header.isBlank()) {
      return null;
    }
    String h = header.trim();
    if (h.startsWith("[")) {
      int end = h.indexOf(']');
      return end < 0 ? h : h.substring(0, end + 1);
    }
    int colon = h.lastIndexOf(':');
    return colon < 0 ? h : h.substring(0, colon);
  }

  private static String shorten(String s) {
    if (s == null) {
      return "";
    }
    String t = s.replaceAll("[\\p{Cc}\\p{Cf}]", "?");
    return t.length() > 80 ? t.substring(0, 80) + "…" : t;
  }

  private static Response refused(int status, String error, String why, String next) {
    return Response.status(status)
        .type(MediaType.APPLICATION_JSON)
        .entity(ApiError.of(error, why, next))
        .build();
  }
}
