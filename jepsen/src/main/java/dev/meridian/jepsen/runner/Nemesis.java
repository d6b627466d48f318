package dev.meridian.jepsen.runner;

import dev.meridian.runtime.RandomSource;
import java.io.IOException;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * Injects faults into the local nodes on a schedule drawn from the run's seed: after a quiet start,
 * a fault (one of the enabled kinds, on a random node) lasts 2–6 s, then the cluster is healthy for
 * 4–10 s, until the clients stop. Every start and end of a fault goes into the history as a {@code
 * :nemesis} operation, so the report can shade it and a reader can line anomalies up with faults.
 *
 * <ul>
 *   <li>{@code kill}: SIGKILL, then a restart on the same data directory and ports ({@code :kill},
 *       {@code :start}).
 *   <li>{@code pause}: SIGSTOP, then SIGCONT ({@code :pause}, {@code :resume}).
 *   <li>{@code clock}: one of M6's clock faults through the node's {@code /fault/clock} — the wall
 *       clock offset or stepped by 50 ms to 2 s either way, or the oscillator drifting 100 to 2,000
 *       ppm either way — then every fault removed ({@code :clock} with the node and the fault, {@code
 *       :clock-reset}). A node whose clock jumps fences itself (refuses transactions with 40001)
 *       until a sync round passes; no fault may ever cost an acknowledged write or a stale read.
 * </ul>
 *
 * {@link #healAll} ends whatever fault is active; the runner calls it before its final reads.
 */
final class Nemesis implements Runnable {

  private static final long QUIET_START_MILLIS = 3_000;

  private final List<RunOptions.NemesisKind> kinds;
  private final List<LocalNode> nodes;
  private final HistoryLog history;
  private final RandomSource random;
  private final long stopAtNanos;
  private LocalNode faulty;
  private RunOptions.NemesisKind activeKind;
  private volatile Exception failure;

  Nemesis(List<RunOptions.NemesisKind> kinds, List<LocalNode> nodes, HistoryLog history, RandomSource random,
      long stopAtNanos) {
    this.kinds = new ArrayList<>(kinds);
    this.nodes = nodes;
    this.history = history;
    this.random = random;
    this.stopAtNanos = stopAtNanos;
  }

  @Override
  public void run() {
    try {
      if (!sleepUntilStop(QUIET_START_MILLIS)) {
        return;
      }
      while (System.nanoTime() < stopAtNanos) {
        RunOptions.NemesisKind kind = kinds.get(random.nextInt(kinds.size()));
        LocalNode node = nodes.get(random.nextInt(nodes.size()));
        inject(kind, node);
        boolean more = sleepUntilStop(2_000 + random.nextLong(4_000));
        heal();
        if (!more || !sleepUntilStop(4_000 + random.nextLong(6_000))) {
          return;
        }
      }
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    } catch (IOException e) {
      failure = e;
    }
  }

  /** The fault the nemesis could not inject or heal, if any (the run then says so and is unknown). */
  Exception failure() {
    return failure;
  }

  private synchronized void inject(RunOptions.NemesisKind kind, LocalNode node) throws IOException, InterruptedException {
    switch (kind) {
      case KILL -> {
        history.nemesis("kill", node.name());
        node.kill();
      }
      case PAUSE -> {
        history.nemesis("pause", node.name());
        node.pause();
      }
      case CLOCK -> {
        String fault = clockFault();
        history.nemesis("clock", node.name() + " " + fault);
        node.clockFault(fault);
      }
    }
    faulty = node;
    activeKind = kind;
  }

  /** Ends the active fault, if any: restarts a killed node, resumes a paused one. */
  synchronized void heal() throws IOException, InterruptedException {
    if (faulty == null) {
      return;
    }
    switch (activeKind) {
      case KILL -> {
        faulty.start();
        history.nemesis("start", faulty.name());
      }
      case PAUSE -> {
        faulty.resume();
        history.nemesis("resume", faulty.name());
      }
      case CLOCK -> {
        faulty.clockReset();
        history.nemesis("clock-reset", faulty.name());
      }
    }
    faulty = null;
    activeKind = null;
  }

  /** Heals, and restarts any node that is not running for another reason. */
  synchronized void healAll() throws IOException, InterruptedException {
    heal();
    for (LocalNode node : nodes) {
      if (!node.isRunning()) {
        node.start();
        history.nemesis("start", node.name());
      }
    }
  }

  /** A clock fault drawn from the seed, as {@code /fault/clock} takes it. */
  private String clockFault() {
    long sign = random.nextInt(2) == 0 ? -1 : 1;
    return switch (random.nextInt(3)) {
      case 0 -> "offset_ms=" + sign * (50 + random.nextLong(1_951));
      case 1 -> "step_ms=" + sign * (50 + random.nextLong(1_951));
      default -> "drift_ppm=" + sign * (100 + random.nextLong(1_901));
    };
  }

  /** Sleeps {@code millis}, or until the clients stop; false if they stopped first. */
  private boolean sleepUntilStop(long millis) throws InterruptedException {
    long wakeAt = System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(millis);
    long until = Math.min(wakeAt, stopAtNanos);
    long remaining = until - System.nanoTime();
    if (remaining > 0) {
      TimeUnit.NANOSECONDS.sleep(remaining);
    }
    return wakeAt < stopAtNanos;
  }
}
