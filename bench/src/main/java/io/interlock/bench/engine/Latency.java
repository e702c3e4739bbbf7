package io.interlock.bench.engine;

import java.util.Arrays;
import java.util.List;
import java.util.Locale;

/** Wall-clock samples of one operation, in milliseconds. */
record Latency(String what, double[] sortedMillis) {
  static Latency of(String what, List<Double> millis) {
    double[] a = millis.stream().mapToDouble(Double::doubleValue).toArray();
    Arrays.sort(a);
    return new Latency(what, a);
  }

  double p50() {
    return at(0.50);
  }

  double p99() {
    return at(0.99);
  }

  /** Nearest-rank percentile. */
  double at(double p) {
    int rank = (int) Math.ceil(p * sortedMillis.length);
    return sortedMillis[Math.max(0, Math.min(sortedMillis.length - 1, rank - 1))];
  }

  String line() {
    return String.format(
        Locale.ROOT,
        "%-58s p50 %8.2f ms   p99 %8.2f ms   (n=%d)",
        what,
        p50(),
        p99(),
        sortedMillis.length);
  }
}
