package dev.meridian.sim.clock;

import dev.meridian.runtime.PhysicalClock;
import dev.meridian.runtime.RandomSource;
import dev.meridian.truetime.FaultyPhysicalClock;
import dev.meridian.truetime.TimeMasterReading;
import java.util.ArrayList;
import java.util.List;

/**
 * The time masters of a simulated cluster (DESIGN.md §4): each a clock over true time with a declared
 * uncertainty. An honest master's offset stays within its declaration (constant: a master's clock is
 * the GPS or atomic reference, not a drifting oscillator); a liar's does not — either far off (a
 * broken reference) or just outside its declaration, overlapping honest intervals, which is where an
 * intersection that trusts the greatest overlap would be pulled away from true time. Liars are always
 * a minority: with a majority of liars no algorithm can find true time.
 */
public final class SimTimeMasters {

  /** One master; {@code liar} is for reports and checks only, the pollers cannot see it. */
  public record Master(String name, FaultyPhysicalClock clock, long declaredMicros, boolean liar) {
    public TimeMasterReading read() {
      return new TimeMasterReading(clock.wallClockMicros(), declaredMicros);
    }
  }

  private final List<Master> masters = new ArrayList<>();

  /**
   * @param count masters in all
   * @param liars how many of them lie; at most a minority
   * @param declaredMicros the uncertainty every master declares
   */
  public SimTimeMasters(PhysicalClock truth, int count, int liars, long declaredMicros, RandomSource random) {
    if (count < 1 || liars < 0 || 2 * liars >= count || declaredMicros < 0) {
      throw new IllegalArgumentException("masters " + count + " with " + liars + " liars: liars must be a minority");
    }
    for (int i = 0; i < count; i++) {
      boolean liar = i >= count - liars;
      long offset;
      if (!liar) {
        offset = random.nextLong(2 * declaredMicros + 1) - declaredMicros;
      } else {
        long sign = random.chance(0.5) ? 1 : -1;
        offset = random.chance(0.5)
            ? sign * (declaredMicros + 1 + random.nextLong(2 * declaredMicros + 1))
            : sign * (10_000 + random.nextLong(1_000_000));
      }
      FaultyPhysicalClock clock = new FaultyPhysicalClock(truth);
      clock.setOffsetMicros(offset);
      masters.add(new Master("m" + (i + 1), clock, declaredMicros, liar));
    }
  }

  public List<Master> masters() {
    return List.copyOf(masters);
  }

  public long liars() {
    return masters.stream().filter(Master::liar).count();
  }
}
