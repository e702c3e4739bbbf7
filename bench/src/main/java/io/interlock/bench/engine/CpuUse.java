package io.interlock.bench.engine;

import io.interlock.bench.DevServer;
import io.interlock.bench.TemporalDevServer;
import java.lang.management.ManagementFactory;
import java.util.Locale;

/**
 * CPU time (ms) used by each process of a run: the Interlock server, the simulated cluster it
 * started, the Temporal server when it runs apart, and the benchmark's own clients. Per task, it
 * bounds the rate the machine's cores allow whatever the engine's latency.
 */
record CpuUse(long server, long cluster, long temporal, long client) {
  static final CpuUse ZERO = new CpuUse(0, 0, 0, 0);

  static CpuUse now(DevServer server, TemporalDevServer temporal) {
    return new CpuUse(
        server.cpuMillis(),
        server.childrenCpuMillis(),
        temporal == null ? 0 : temporal.cpuMillis(),
        ((com.sun.management.OperatingSystemMXBean) ManagementFactory.getOperatingSystemMXBean())
                .getProcessCpuTime()
            / 1_000_000);
  }

  CpuUse since(CpuUse before) {
    return new CpuUse(
        server - before.server,
        cluster - before.cluster,
        temporal - before.temporal,
        client - before.client);
  }

  CpuUse plus(CpuUse other) {
    return new CpuUse(
        server + other.server,
        cluster + other.cluster,
        temporal + other.temporal,
        client + other.client);
  }

  /** Per task, and the rate at which all cores would be busy with it. */
  String perTask(int tasks) {
    double all = (double) (server + cluster + temporal + client) / tasks;
    int cores = Runtime.getRuntime().availableProcessors();
    return String.format(
        Locale.ROOT,
        "CPU per task: server %.1f ms, simulated cluster %.1f ms%s, benchmark clients %.1f ms;"
            + " all %.1f ms, so %d cores allow at most %.1f tasks/s",
        (double) server / tasks,
        (double) cluster / tasks,
        temporal == 0
            ? ""
            : String.format(Locale.ROOT, ", Temporal %.1f ms", (double) temporal / tasks),
        (double) client / tasks,
        all,
        cores,
        cores * 1000 / all);
  }
}
