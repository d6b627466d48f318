package dev.meridian.jepsen.checker;

import static org.assertj.core.api.Assertions.assertThat;

import dev.meridian.jepsen.checker.LinearizabilitySearch.Budget;
import dev.meridian.jepsen.checker.LinearizabilitySearch.Kind;
import dev.meridian.jepsen.checker.LinearizabilitySearch.Operation;
import dev.meridian.jepsen.checker.LinearizabilitySearch.Verdict;
import org.junit.jupiter.api.Test;

/**
 * The search on hand-made register histories. Values are interned ints ({@code NIL} = 0 is the
 * unset register); positions are written out so each test's real-time order can be read off.
 */
class LinearizabilitySearchTest {
  private static final int NIL = LinearizabilitySearch.NIL;
  private static final Budget AMPLE = new Budget(1_000_000, 16L << 20);

  private static Operation read(int v, long from, long to) {
    return new Operation(Kind.READ, v, 0, from, to);
  }

  private static Operation write(int v, long from, long to) {
    return new Operation(Kind.WRITE, v, 0, from, to);
  }

  private static Operation cas(int from, int to, long invoke, long complete) {
    return new Operation(Kind.CAS, from, to, invoke, complete);
  }

  /** An operation whose outcome is unknown (:info): completion -1. */
  private static Operation open(Operation o) {
    return o.open();
  }

  private static Verdict verdict(Operation... ops) {
    return LinearizabilitySearch.check(ops, AMPLE).verdict();
  }

  @Test
  void sequentialHistoryIsLinearizedInItsOwnOrder() {
    Operation[] ops = {read(NIL, 0, 1), write(1, 2, 3), read(1, 4, 5), cas(1, 2, 6, 7),
        read(2, 8, 9)};
    LinearizabilitySearch.Result r = LinearizabilitySearch.check(ops, AMPLE);
    assertThat(r.verdict()).isEqualTo(Verdict.LINEARIZABLE);
    assertThat(r.linearization()).containsExactly(0, 1, 2, 3, 4);
  }

  @Test
  void emptyHistoryIsLinearizable() {
    assertThat(verdict()).isEqualTo(Verdict.LINEARIZABLE);
  }

  @Test
  void staleReadIsNotLinearizable() {
    assertThat(verdict(write(1, 0, 1), write(2, 2, 3), read(1, 4, 5)))
        .isEqualTo(Verdict.NOT_LINEARIZABLE);
    // The same read, concurrent with the second write, may precede it.
    assertThat(verdict(write(1, 0, 1), write(2, 2, 5), read(1, 3, 4)))
        .isEqualTo(Verdict.LINEARIZABLE);
  }

  @Test
  void lostWriteIsNotLinearizable() {
    assertThat(verdict(write(1, 0, 1), read(NIL, 2, 3))).isEqualTo(Verdict.NOT_LINEARIZABLE);
    assertThat(verdict(write(1, 0, 3), read(NIL, 1, 2))).isEqualTo(Verdict.LINEARIZABLE);
  }

  @Test
  void concurrentWritesMayTakeEffectInEitherOrderButOnlyOne() {
    assertThat(verdict(write(1, 0, 3), write(2, 1, 2), read(1, 4, 5)))
        .isEqualTo(Verdict.LINEARIZABLE);
    assertThat(verdict(write(1, 0, 3), write(2, 1, 2), read(2, 4, 5)))
        .isEqualTo(Verdict.LINEARIZABLE);
    // Once both are done, the value cannot flip from one to the other.
    assertThat(verdict(write(1, 0, 3), write(2, 1, 2), read(2, 4, 5), read(1, 6, 7)))
        .isEqualTo(Verdict.NOT_LINEARIZABLE);
    // A read that overlaps both may see the first before the second wins.
    assertThat(verdict(write(1, 0, 3), write(2, 1, 2), read(1, 1, 6), read(2, 7, 8)))
        .isEqualTo(Verdict.LINEARIZABLE);
  }

  @Test
  void successfulCasNeedsItsExpectedValue() {
    assertThat(verdict(write(1, 0, 1), cas(2, 3, 2, 3))).isEqualTo(Verdict.NOT_LINEARIZABLE);
    assertThat(verdict(write(1, 0, 1), cas(1, 3, 2, 3), read(3, 4, 5)))
        .isEqualTo(Verdict.LINEARIZABLE);
    // The cas must have failed, so it is open (or dropped): either way nothing changes.
    assertThat(verdict(write(1, 0, 1), open(cas(2, 3, 2, 3)), read(1, 4, 5)))
        .isEqualTo(Verdict.LINEARIZABLE);
    assertThat(verdict(write(1, 0, 1), open(cas(2, 3, 2, 3)), read(3, 4, 5)))
        .isEqualTo(Verdict.NOT_LINEARIZABLE);
  }

  @Test
  void infoOperationMayHaveHappenedAtAnyTimeAfterItsInvocation() {
    Operation infoWrite = open(write(5, 0, -1));
    assertThat(verdict(infoWrite, read(NIL, 1, 2), read(5, 3, 4)))
        .isEqualTo(Verdict.LINEARIZABLE);
    assertThat(verdict(infoWrite, read(NIL, 1, 2))).isEqualTo(Verdict.LINEARIZABLE);
    // ... but only once, and never before it was invoked.
    assertThat(verdict(infoWrite, read(5, 1, 2), read(NIL, 3, 4)))
        .isEqualTo(Verdict.NOT_LINEARIZABLE);
    assertThat(verdict(read(5, 0, 1), open(write(5, 2, -1))))
        .isEqualTo(Verdict.NOT_LINEARIZABLE);
  }

  @Test
  void infoCasThatHappenedExplainsALaterRead() {
    assertThat(verdict(write(1, 0, 1), open(cas(1, 2, 2, -1)), read(2, 5, 6), read(2, 7, 8)))
        .isEqualTo(Verdict.LINEARIZABLE);
    assertThat(verdict(write(1, 0, 1), open(cas(1, 2, 2, -1)), read(2, 5, 6), read(1, 7, 8)))
        .isEqualTo(Verdict.NOT_LINEARIZABLE);
  }

  /** Many open writes and a read nobody wrote: every order of the writes must be ruled out. */
  private static Operation[] hardUnlinearizable(int openWrites) {
    Operation[] ops = new Operation[openWrites + 1];
    for (int i = 0; i < openWrites; i++) {
      ops[i] = open(write(1 + i, i, -1));
    }
    ops[openWrites] = read(openWrites + 1, openWrites, openWrites + 1);
    return ops;
  }

  @Test
  void exhaustedStepBudgetAnswersUnknown() {
    Operation[] ops = hardUnlinearizable(16);
    LinearizabilitySearch.Result r = LinearizabilitySearch.check(ops, new Budget(1_000, 64L << 20));
    assertThat(r.verdict()).isEqualTo(Verdict.UNKNOWN);
    assertThat(r.steps()).isEqualTo(1_000);
    // With enough budget the memo makes it tractable: 2^10 configurations per value.
    assertThat(LinearizabilitySearch.check(hardUnlinearizable(10), AMPLE).verdict())
        .isEqualTo(Verdict.NOT_LINEARIZABLE);
  }

  @Test
  void exhaustedMemoryBudgetAnswersUnknown() {
    LinearizabilitySearch.Result r = LinearizabilitySearch.check(hardUnlinearizable(16),
        new Budget(Long.MAX_VALUE, 64 << 10));
    assertThat(r.verdict()).isEqualTo(Verdict.UNKNOWN);
    assertThat(r.steps()).isLessThan(1_000_000);
  }
}
