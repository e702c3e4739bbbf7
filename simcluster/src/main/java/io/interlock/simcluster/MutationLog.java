package io.interlock.simcluster;

import java.util.ArrayList;
import java.util.List;

/**
 * Every mutating request the server persisted on behalf of a client, in order. Dry runs, rejected
 * requests, access reviews and the simulator's own controller writes are not here.
 */
final class MutationLog {

  private final List<String> lines = new ArrayList<>();

  synchronized void record(String method, String path) {
    int q = path.indexOf('?');
    lines.add(method + " " + (q < 0 ? path : path.substring(0, q)));
  }

  synchronized long count() {
    return lines.size();
  }

  synchronized List<String> lines() {
    return List.copyOf(lines);
  }

  synchronized void reset() {
    lines.clear();
  }
}
