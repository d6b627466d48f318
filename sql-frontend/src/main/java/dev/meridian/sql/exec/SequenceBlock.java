package dev.meridian.sql.exec;

import dev.meridian.runtime.Invariants;
import dev.meridian.sql.catalog.DescriptorCodec.SequenceValue;
import dev.meridian.sql.catalog.Sequence;

/**
 * The block of values a node reserves from a sequence whose stored value is {@code next}: up to
 * {@code cache} values {@code first, first + increment, …, last}, never past {@code maxValue} (or
 * below {@code minValue} for a descending sequence), and the stored value that follows it. Pure
 * arithmetic, apart so that the edges (a bound reached, increments near 2^63) are tested alone.
 *
 * <p>Distances are computed as unsigned 64-bit numbers: {@code maxValue - next} of two longs with
 * {@code next <= maxValue} always fits in 64 unsigned bits, and so does {@code |increment|}, even
 * for {@code Long.MIN_VALUE}. Every value handed out lies in {@code [minValue, maxValue]}.
 */
record SequenceBlock(long first, long count, long increment, SequenceValue following) {

  static SequenceBlock reserve(Sequence sequence, long next) {
    Invariants.require(next >= sequence.minValue(), "sequence %s stored %s below its MINVALUE", sequence.name(), next);
    Invariants.require(next <= sequence.maxValue(), "sequence %s stored %s above its MAXVALUE", sequence.name(), next);
    long increment = sequence.increment();
    long step = increment > 0 ? increment : -increment;
    long distance = increment > 0 ? sequence.maxValue() - next : next - sequence.minValue();
    long stepsLeft = Long.divideUnsigned(distance, step);
    boolean takesAll = Long.compareUnsigned(stepsLeft, sequence.cache() - 1) < 0;
    long count = takesAll ? stepsLeft + 1 : sequence.cache();
    long last = next + (count - 1) * increment;
    SequenceValue following = takesAll || stepsLeft == count - 1
        ? new SequenceValue(true, last)
        : new SequenceValue(false, last + increment);
    return new SequenceBlock(next, count, increment, following);
  }
}
