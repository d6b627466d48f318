package dev.meridian.sim.net;

import dev.meridian.runtime.RandomSource;
import dev.meridian.runtime.manual.ManualScheduler;
import dev.meridian.sim.Trace;
import java.util.function.ToLongFunction;

/**
 * A simulated network between nodes {@code 1..n} on the simulator's one event queue. Every message is
 * an event of its own: it arrives after a latency drawn from its directed link's distribution, and on
 * the way it may be lost, duplicated (each copy with its own latency) or held back (which reorders it
 * behind later messages). Partitions block directed links; a message whose link is blocked when it
 * arrives is dropped, so a partition also cuts what is already in flight.
 *
 * <p>Latency model of a link: {@code base + uniform[0, jitter]}, times 10 with probability {@link
 * #tailProbability} (a slow path), plus {@code uniform[0, reorderDelay]} with probability {@link
 * #reorderProbability}. All draws come from the network's own seeded stream, in event order, so a seed
 * gives one schedule of arrivals.
 *
 * @param <M> the message type carried
 */
public final class SimNetwork<M> {

  /** Called when a message arrives at its destination (the destination may be down: it decides). */
  public interface Receiver<M> {
    void receive(int from, int to, M message);
  }

  /** Latency of one directed link, in microseconds of true time. */
  public record LinkProfile(long baseLatencyMicros, long jitterMicros) {
    public LinkProfile {
      if (baseLatencyMicros < 1 || jitterMicros < 0) {
        throw new IllegalArgumentException("bad link profile " + baseLatencyMicros + "/" + jitterMicros);
      }
    }
  }

  /** Trace event kinds of the network. */
  public static final int SEND = 1;
  public static final int DELIVER = 2;
  public static final int LOSE = 3;
  public static final int CUT = 4;

  private final int nodes;
  private final ManualScheduler scheduler;
  private final RandomSource random;
  private final Trace trace;
  private final Receiver<M> receiver;
  private final ToLongFunction<M> fingerprint;
  private final LinkProfile[][] links;
  private final boolean[][] blocked;

  private double lossProbability;
  private double duplicateProbability;
  private double reorderProbability;
  private long reorderDelayMicros;
  private double tailProbability;

  private long sent;
  private long delivered;
  private long lost;
  private long cut;
  private long duplicated;

  public SimNetwork(
      int nodes,
      ManualScheduler scheduler,
      RandomSource random,
      Trace trace,
      Receiver<M> receiver,
      ToLongFunction<M> fingerprint) {
    this.nodes = nodes;
    this.scheduler = scheduler;
    this.random = random;
    this.trace = trace;
    this.receiver = receiver;
    this.fingerprint = fingerprint;
    this.links = new LinkProfile[nodes + 1][nodes + 1];
    this.blocked = new boolean[nodes + 1][nodes + 1];
    for (int from = 1; from <= nodes; from++) {
      for (int to = 1; to <= nodes; to++) {
        links[from][to] = new LinkProfile(1_000, 0);
      }
    }
  }

  public void setLink(int from, int to, LinkProfile profile) {
    links[from][to] = profile;
  }

  /** Sets the link faults; all probabilities in [0, 1]. */
  public void setFaults(
      double lossProbability,
      double duplicateProbability,
      double reorderProbability,
      long reorderDelayMicros,
      double tailProbability) {
    this.lossProbability = lossProbability;
    this.duplicateProbability = duplicateProbability;
    this.reorderProbability = reorderProbability;
    this.reorderDelayMicros = reorderDelayMicros;
    this.tailProbability = tailProbability;
  }

  /** Blocks (or unblocks) the directed link {@code from -> to}. */
  public void setBlocked(int from, int to, boolean isBlocked) {
    blocked[from][to] = isBlocked;
  }

  public boolean isBlocked(int from, int to) {
    return blocked[from][to];
  }

  /** Removes every partition and every link fault; latencies stay as they are. */
  public void heal() {
    for (boolean[] row : blocked) {
      java.util.Arrays.fill(row, false);
    }
    setFaults(0, 0, 0, 0, tailProbability);
  }

  /** Hands {@code message} to the network; it arrives (or not) as a later event. */
  public void send(int from, int to, M message) {
    sent++;
    long detail = fingerprint.applyAsLong(message);
    trace.record(now(), SEND, from, Trace.fold(to, detail), () -> "send n" + from + "->n" + to + " " + message);
    if (random.chance(lossProbability)) {
      lost++;
      trace.record(now(), LOSE, from, Trace.fold(to, detail), () -> "lose n" + from + "->n" + to + " " + message);
      return;
    }
    schedule(from, to, message, detail);
    if (random.chance(duplicateProbability)) {
      duplicated++;
      schedule(from, to, message, detail);
    }
  }

  private void schedule(int from, int to, M message, long detail) {
    LinkProfile link = links[from][to];
    long latency = link.baseLatencyMicros() + random.nextLong(link.jitterMicros() + 1);
    if (random.chance(tailProbability)) {
      latency *= 10;
    }
    if (reorderDelayMicros > 0 && random.chance(reorderProbability)) {
      latency += random.nextLong(reorderDelayMicros + 1);
    }
    scheduler.schedule(latency * 1_000, () -> arrive(from, to, message, detail));
  }

  private void arrive(int from, int to, M message, long detail) {
    if (blocked[from][to]) {
      cut++;
      trace.record(now(), CUT, to, Trace.fold(from, detail), () -> "cut n" + from + "->n" + to + " " + message);
      return;
    }
    delivered++;
    trace.record(now(), DELIVER, to, Trace.fold(from, detail), () -> "recv n" + from + "->n" + to + " " + message);
    receiver.receive(from, to, message);
  }

  private long now() {
    return scheduler.clock().wallClockMicros();
  }

  public int nodes() {
    return nodes;
  }

  /** Counters for the run summary: sent, delivered, lost, cut by partitions, duplicated. */
  public String stats() {
    return "sent=" + sent + " delivered=" + delivered + " lost=" + lost + " cut=" + cut
        + " duplicated=" + duplicated;
  }

  public long delivered() {
    return delivered;
  }
}
