package io.interlock.worker.dev;

import io.temporal.testserver.TestServer;
import java.lang.reflect.Field;
import java.util.Collection;
import java.util.Iterator;
import java.util.LinkedHashSet;
import java.util.LinkedList;
import java.util.List;
import java.util.concurrent.locks.Lock;
import org.jboss.logging.Logger;

/**
 * The Java test server's timer keeps a debugging ledger of time-skipping lock events in a {@link
 * LinkedList}. Every activity leaves entries there that are never removed (four each), and every
 * change to a workflow scans that list for the entry it removes: after a few thousand tasks each
 * change walks tens of thousands of nodes (12% of the dev server's CPU after 2,600 tasks, growing
 * without bound). This ledger keeps the last {@link #KEPT} entries in insertion order, removes in
 * constant time, and keeps the timer's own lock count (which is separate) the only thing that
 * decides anything.
 */
final class TimerLockLedger extends LinkedList<Object> {
  private static final Logger LOG = Logger.getLogger(TimerLockLedger.class);

  /** Entries kept for the timer's diagnostics; older ones are dropped. */
  static final int KEPT = 1_024;

  private final LinkedHashSet<Object> entries = new LinkedHashSet<>();

  private TimerLockLedger(Collection<?> existing) {
    existing.forEach(this::add);
  }

  static TimerLockLedger empty() {
    return new TimerLockLedger(List.of());
  }

  /**
   * Puts this ledger in place of the server timer's own; nothing else about the server changes. A
   * server that is not the version this was written against keeps its own ledger (and a warning
   * says so): it works as before, only slower as it ages.
   */
  static void install(TestServer.InProcessTestServer server) {
    try {
      Timer timer = Timer.of(server);
      timer.lock().lock();
      try {
        timer.events().set(timer.timer(), new TimerLockLedger(timer.ledger()));
      } finally {
        timer.lock().unlock();
      }
    } catch (ReflectiveOperationException | RuntimeException e) {
      LOG.warnf(
          "the embedded Temporal's timer is not the one TimerLockLedger knows (%s): its lock"
              + " ledger stays unbounded, so every workflow change slows as the server ages",
          e);
    }
  }

  /** The ledger the server's timer keeps now: this one once installed. */
  static Collection<?> of(TestServer.InProcessTestServer server)
      throws ReflectiveOperationException {
    return Timer.of(server).ledger();
  }

  /** The server's timer, its lock and the field holding its ledger. */
  private record Timer(Object timer, Lock lock, Field events) {
    @SuppressWarnings("deprecation") // The only handle on the server's timer.
    static Timer of(TestServer.InProcessTestServer server) throws ReflectiveOperationException {
      Object service = server.getWorkflowService();
      Object timer = field(service.getClass(), "selfAdvancingTimer").get(service);
      return new Timer(
          timer,
          (Lock) field(timer.getClass(), "lock").get(timer),
          field(timer.getClass(), "lockEvents"));
    }

    Collection<?> ledger() throws IllegalAccessException {
      return (Collection<?>) events.get(timer);
    }

    private static Field field(Class<?> type, String name) throws NoSuchFieldException {
      Field f = type.getDeclaredField(name);
      f.setAccessible(true);
      return f;
    }
  }

  @Override
  public boolean add(Object e) {
    entries.add(e);
    if (entries.size() > KEPT) {
      Iterator<Object> oldest = entries.iterator();
      oldest.next();
      oldest.remove();
    }
    return true;
  }

  /**
   * Always true: the timer throws on a handle whose entry is missing, and an entry dropped for age
   * still belongs to a balanced lock (the lock count, kept apart, is what the timer decides by).
   */
  @Override
  public boolean remove(Object o) {
    entries.remove(o);
    return true;
  }

  @Override
  public boolean contains(Object o) {
    return entries.contains(o);
  }

  @Override
  public Iterator<Object> iterator() {
    return entries.iterator();
  }

  @Override
  public int size() {
    return entries.size();
  }
}
