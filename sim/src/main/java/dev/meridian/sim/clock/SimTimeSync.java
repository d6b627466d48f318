package dev.meridian.sim.clock;

import dev.meridian.runtime.RandomSource;
import dev.meridian.truetime.SyncedTrueTime;
import dev.meridian.truetime.TimeMasterReading;
import dev.meridian.truetime.TimeSample;
import java.util.ArrayList;
import java.util.List;
import java.util.function.BooleanSupplier;

/**
 * The sync daemon of one simulated process: every {@code pollMicros} of the node's own time it asks
 * every master, each request and answer taking a latency drawn from the seed (and, while faults are
 * on, sometimes lost), and hands the round to the process's {@link SyncedTrueTime} once the round's
 * timeout has passed. It runs on the process's loop, so a crash ends it with the process.
 *
 * <p>Masters are reached on their own paths, not through the simulated network's partitions: the
 * masters are the time infrastructure (GPS and atomic clocks in every datacenter, in Spanner), and what
 * a partition does to the node is modelled by the lost answers.
 *
 * @param pollMicros the poll period on the node's clock
 * @param minLatencyMicros one-way latency to a master, at least
 * @param maxLatencyMicros one-way latency to a master, at most
 * @param loss probability that a request or its answer is lost, while faults are on
 */
public record SimTimeSync(SimTimeMasters masters, long pollMicros, long minLatencyMicros, long maxLatencyMicros,
    double loss) {

  /** How long a round waits for answers: two of the slowest trips, plus a millisecond. */
  public long roundTimeoutMicros() {
    return 2 * maxLatencyMicros + 1_000;
  }

  /** Starts polling for a freshly started process. */
  void start(SimNodeScheduler loop, SimClock clock, SyncedTrueTime trueTime, RandomSource random,
      BooleanSupplier faultsOn, SimClock.SyncCounters counters) {
    loop.schedule(1_000 * random.nextLong(pollMicros), () ->
        round(loop, clock, trueTime, random, faultsOn, counters));
  }

  private void round(SimNodeScheduler loop, SimClock clock, SyncedTrueTime trueTime, RandomSource random,
      BooleanSupplier faultsOn, SimClock.SyncCounters counters) {
    List<TimeSample> samples = new ArrayList<>();
    List<SimTimeMasters.Master> all = masters.masters();
    for (SimTimeMasters.Master master : all) {
      if (faultsOn.getAsBoolean() && random.chance(loss)) {
        continue;
      }
      long send = clock.monotonicNanos();
      long out = latency(random);
      long back = latency(random);
      loop.schedule(1_000 * out, () -> {
        TimeMasterReading reading = master.read();
        loop.schedule(1_000 * back, () -> samples.add(new TimeSample(master.name(), send, clock.monotonicNanos(),
            reading.wallMicros(), reading.uncertaintyMicros())));
      });
    }
    loop.schedule(1_000 * roundTimeoutMicros(), () -> {
      List<String> unanswered = new ArrayList<>();
      for (SimTimeMasters.Master master : all) {
        if (samples.stream().noneMatch(s -> s.master().equals(master.name()))) {
          unanswered.add(master.name());
        }
      }
      counters.record(trueTime.onSyncRound(samples, unanswered));
      loop.schedule(1_000 * pollMicros, () -> round(loop, clock, trueTime, random, faultsOn, counters));
    });
  }

  private long latency(RandomSource random) {
    return minLatencyMicros + random.nextLong(maxLatencyMicros - minLatencyMicros + 1);
  }
}
