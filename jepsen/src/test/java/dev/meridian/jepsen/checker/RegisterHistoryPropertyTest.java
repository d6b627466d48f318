package dev.meridian.jepsen.checker;

import static org.assertj.core.api.Assertions.assertThat;

import dev.meridian.runtime.RandomSource;
import dev.meridian.runtime.testing.Gen;
import dev.meridian.runtime.testing.PropertyCheck;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import org.junit.jupiter.api.Test;

/**
 * Properties of the linearizability checker on histories recorded from a simulated register that
 * applies each operation atomically at one instant between its invocation and its completion:
 * such a history is always linearizable, whatever the processes, keys, crashes ({@code :info}
 * whether or not the operation took effect) and failed cas; and a stale read planted after a
 * quiescent write is always caught, on the right key, as the failing operation.
 */
class RegisterHistoryPropertyTest {
  /** One generated case; {@code plantedKey} is set when a stale read was appended. */
  record Case(List<Op> history, int processes, int keys, double infoProbability,
      boolean planted, Object plantedKey, long plantedIndex) {
    @Override
    public String toString() {
      return history.size() + " events, " + processes + " processes, " + keys + " keys, info "
          + infoProbability + (planted ? ", stale read on key " + plantedKey : "");
    }
  }

  private static final class Sim {
    final RandomSource random;
    final List<Op> history = new ArrayList<>();
    final Map<Object, Object> register = new HashMap<>();
    /** Values whose only writer might still take effect: a stale read of them may be legal. */
    final Set<Object> openlyWritten = new HashSet<>();
    long nextValue = 1;

    Sim(RandomSource random) {
      this.random = random;
    }

    void emit(OpType type, long process, Mop.Kind kind, Object key, Object value) {
      String f = switch (kind) {
        case READ -> "read";
        case WRITE -> "write";
        default -> "cas";
      };
      history.add(new Op(history.size(), type, process, Keyword.of(f),
          List.of(new Mop(kind, key, value)), null));
    }
  }

  private static Case generate(RandomSource random, boolean plant) {
    Sim sim = new Sim(random);
    int processes = Gen.between(random, 1, 6);
    int keys = Gen.between(random, 1, 3);
    double info = Gen.oneOf(random, 0.0, 0.05, 0.2);
    int total = Gen.between(random, 1, 40);
    long[] pid = new long[processes];
    Mop[] pending = new Mop[processes];
    int[] phase = new int[processes]; // 0 idle, 1 invoked, 2 applied
    Object[] result = new Object[processes];
    boolean[] succeeded = new boolean[processes];
    for (int p = 0; p < processes; p++) {
      pid[p] = p;
    }
    int invoked = 0;
    while (true) {
      boolean busy = false;
      for (int ph : phase) {
        busy |= ph != 0;
      }
      if (!busy && invoked >= total) {
        break;
      }
      int p = random.nextInt(processes);
      if (phase[p] == 0) {
        if (invoked >= total) {
          continue;
        }
        invoked++;
        Object key = keys == 1 ? null : (Object) (long) random.nextInt(keys);
        Mop m = switch (Gen.frequency(random, 3, 2, 2)) {
          case 0 -> new Mop(Mop.Kind.READ, key, null);
          case 1 -> new Mop(Mop.Kind.WRITE, key, sim.nextValue++);
          default -> new Mop(Mop.Kind.CAS, key, Arrays.asList(
              random.chance(0.6) ? sim.register.get(key) : (Object) (long) random.nextInt(4),
              sim.nextValue++));
        };
        pending[p] = m;
        phase[p] = 1;
        sim.emit(OpType.INVOKE, pid[p], m.kind(), key, m.value());
      } else if (phase[p] == 1) {
        Mop m = pending[p];
        if (random.chance(info / 2)) {
          // Crashed before taking effect.
          if (m.kind() != Mop.Kind.READ) {
            sim.openlyWritten.add(written(m));
          }
          sim.emit(OpType.INFO, pid[p], m.kind(), m.key(), m.value());
          pid[p] += processes;
          phase[p] = 0;
          continue;
        }
        Object current = sim.register.get(m.key());
        switch (m.kind()) {
          case READ -> result[p] = current;
          case WRITE -> sim.register.put(m.key(), m.value());
          default -> {
            succeeded[p] = Objects.equals(current, ((List<?>) m.value()).get(0));
            if (succeeded[p]) {
              sim.register.put(m.key(), ((List<?>) m.value()).get(1));
            }
          }
        }
        phase[p] = 2;
      } else {
        Mop m = pending[p];
        boolean failedCas = m.kind() == Mop.Kind.CAS && !succeeded[p];
        if (!failedCas && random.chance(info)) {
          // Took effect, but the client never heard.
          if (m.kind() != Mop.Kind.READ) {
            sim.openlyWritten.add(written(m));
          }
          sim.emit(OpType.INFO, pid[p], m.kind(), m.key(), m.value());
          pid[p] += processes;
        } else if (failedCas) {
          sim.emit(OpType.FAIL, pid[p], m.kind(), m.key(), m.value());
        } else {
          sim.emit(OpType.OK, pid[p], m.kind(), m.key(),
              m.kind() == Mop.Kind.READ ? result[p] : m.value());
        }
        phase[p] = 0;
      }
    }
    if (!plant) {
      return new Case(sim.history, processes, keys, info, false, null, -1);
    }
    // Quiescent now: a write of a fresh value, alone, then a read of the value it replaced. That
    // value can only come back if an operation that may still take effect wrote it.
    Object key = keys == 1 ? null : (Object) (long) random.nextInt(keys);
    Object stale = sim.register.get(key);
    long fresh = sim.nextValue++;
    long reader = pid[0] + 2L * processes;
    sim.emit(OpType.INVOKE, reader, Mop.Kind.WRITE, key, fresh);
    sim.emit(OpType.OK, reader, Mop.Kind.WRITE, key, fresh);
    sim.emit(OpType.INVOKE, reader, Mop.Kind.READ, key, null);
    sim.emit(OpType.OK, reader, Mop.Kind.READ, key, stale);
    boolean planted = stale == null || !sim.openlyWritten.contains(stale);
    return new Case(sim.history, processes, keys, info, planted, key, sim.history.size() - 1);
  }

  private static Object written(Mop m) {
    return m.kind() == Mop.Kind.WRITE ? m.value() : ((List<?>) m.value()).get(1);
  }

  private static CheckResult check(List<Op> h) {
    return Checker.check(h, CheckOptions.strictSerializable(CheckOptions.Workload.REGISTER));
  }

  @Test
  void historiesOfAnAtomicRegisterAreLinearizable() {
    PropertyCheck.forAll(300, r -> generate(r, false), c -> {
      CheckResult r = check(c.history());
      assertThat(r.valid()).as(r.toJson()).isEqualTo("true");
      // Written as EDN and read back as a register history, it is the same history.
      StringBuilder edn = new StringBuilder();
      for (Op op : c.history()) {
        Mop m = op.mops().get(0);
        edn.append("{:index ").append(op.index()).append(", :type :").append(op.type().edn())
            .append(", :process ").append(op.process()).append(", :f ").append(Edn.print(op.f()))
            .append(", :value ").append(c.keys() == 1 ? Edn.print(m.value())
                : Edn.print(Arrays.asList(m.key(), m.value()))).append("}\n");
      }
      assertThat(check(HistoryReader.parseRegister(edn.toString(), HistoryReader.Format.EDN))
          .valid()).isEqualTo("true");
    });
  }

  @Test
  void aPlantedStaleReadIsCaughtOnItsKey() {
    int[] planted = {0};
    PropertyCheck.forAll(200, r -> generate(r, true), c -> {
      CheckResult r = check(c.history());
      if (!c.planted()) {
        return;
      }
      planted[0]++;
      assertThat(r.valid()).as(r.toJson()).isEqualTo("false");
      List<Object> cases = r.anomalies().get(LinearizabilityChecker.NONLINEARIZABLE);
      assertThat(cases).hasSize(1);
      Map<?, ?> failure = (Map<?, ?>) cases.get(0);
      assertThat(failure.get("key")).isEqualTo(c.plantedKey());
      assertThat(failure.get("prefix-end-index")).isEqualTo(c.plantedIndex());
    });
    // Most cases must actually plant one, or the property says little.
    assertThat(planted[0]).isGreaterThan(130);
  }
}
