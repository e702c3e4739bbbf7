package io.interlock.worker;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.ServerSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ThreadLocalRandom;

/**
 * Free TCP ports for a server a test starts later (a child process, or a receiver bound after the
 * app under test started). Chosen below the kernel's ephemeral range: a port-0 bind or an outgoing
 * connection made in between takes its port from that range, so it cannot take one of these (a port
 * from {@code new ServerSocket(0)} once did, and the receiver's bind failed).
 */
public final class FreePorts {
  private static final int LOWEST = 10_000;

  /** Ports handed out in this JVM: a later call never returns one of them again. */
  private static final Set<Integer> GIVEN = ConcurrentHashMap.newKeySet();

  private FreePorts() {}

  /** {@code n} distinct ports, each free when chosen. */
  public static int[] of(int n) {
    int below = ephemeralLow();
    ServerSocket[] held = new ServerSocket[n];
    int[] ports = new int[n];
    try {
      for (int i = 0; i < n; i++) {
        for (int tries = 0; held[i] == null; tries++) {
          if (tries > 1_000) {
            throw new IllegalStateException("no free port in " + LOWEST + ".." + below);
          }
          int port = ThreadLocalRandom.current().nextInt(LOWEST, below);
          if (!GIVEN.add(port)) {
            continue;
          }
          try {
            held[i] = new ServerSocket(port);
            ports[i] = port;
          } catch (IOException taken) {
            // In use (or held above for another of these): try another.
          }
        }
      }
      return ports;
    } finally {
      for (ServerSocket s : held) {
        close(s);
      }
    }
  }

  /** The first port of the kernel's ephemeral range (Linux), or Linux's default. */
  private static int ephemeralLow() {
    try {
      String range = Files.readString(Path.of("/proc/sys/net/ipv4/ip_local_port_range")).trim();
      int low = Integer.parseInt(range.split("\\s+")[0]);
      return low > LOWEST + 1_000 ? low : 32_768;
    } catch (IOException | RuntimeException unknown) {
      return 32_768;
    }
  }

  private static void close(ServerSocket s) {
    if (s == null) {
      return;
    }
    try {
      s.close();
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }
}
