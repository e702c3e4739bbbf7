package io.interlock.bench.engine;

import com.sun.tools.attach.VirtualMachine;
import java.nio.file.Path;

/**
 * async-profiler attached to the server for one timed window ({@code --async-profiler LIB}): every
 * thread sampled each millisecond of CPU, native frames included, written as collapsed stacks. The
 * library loads through the JDK's attach API, which passes its options verbatim.
 */
final class ProfilerWindow {
  private final long pid;
  private final Path library;

  ProfilerWindow(long pid, Path library) {
    this.pid = pid;
    this.library = library;
  }

  void start() throws Exception {
    command("start,event=itimer,interval=1ms,threads");
  }

  /** Stops sampling and writes the window's stacks to {@code out}. */
  void stop(Path out) throws Exception {
    command("stop,collapsed,file=" + out.toAbsolutePath());
    System.out.printf("  profiled: %s%n", out);
  }

  private void command(String options) throws Exception {
    VirtualMachine vm = VirtualMachine.attach(String.valueOf(pid));
    try {
      vm.loadAgentPath(library.toAbsolutePath().toString(), options);
    } finally {
      vm.detach();
    }
  }
}
