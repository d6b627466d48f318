package dev.meridian.storage.mvcc;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import dev.meridian.storage.Key;
import dev.meridian.storage.KeySpan;
import dev.meridian.storage.Timestamp;
import dev.meridian.storage.TxnId;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.CyclicBarrier;
import java.util.stream.IntStream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * The contract of engines that keep their data on disk: everything {@link
 * AbstractMvccEngineContractTest} asks, plus that closing and reopening loses nothing committed.
 */
public abstract class AbstractDurableMvccEngineContractTest extends AbstractMvccEngineContractTest {

  /** Closes {@code engine} and opens a new one on the same data. */
  @Override
  protected abstract MvccEngine reopen(MvccEngine engine);

  @Test
  void reopeningKeepsEverythingCommitted() {
    commit(ts(10), put("a", "a10"), put("b", "b10"));
    commit(ts(20), Write.delete(key("a")));
    engine.putIntents(txn(1), ts(25), List.of(put("c", "intent"), Write.delete(key("b")))).join();
    engine.putIntents(txn(2), ts(26), List.of(put("d", "gone"))).join();
    engine.resolveIntents(txn(2), List.of(key("d")), Optional.of(ts(27))).join();
    engine.collectGarbage(ts(15));

    engine = reopen(engine);

    assertThat(engine.gcHorizon()).isEqualTo(ts(15));
    assertThat(renderAll(engine.scan(KeySpan.all(), ts(15), Direction.FORWARD, 10)))
        .containsExactly("\"a\"@ts10=a10", "\"b\"@ts10=b10");
    assertThat(engine.get(key("a"), ts(20)).orElseThrow().isTombstone()).isTrue();
    assertThat(renderAll(engine.scan(KeySpan.all(), Timestamp.MAX, Direction.FORWARD, 10)))
        .containsExactly("\"b\"@ts10=b10", "\"d\"@ts27=gone");
    assertThat(renderIntents(engine.intents(KeySpan.all())))
        .containsExactly("\"b\" txn-1-1@ts25=⊥", "\"c\" txn-1-1@ts25=intent");
    assertThatThrownBy(() -> engine.get(key("a"), ts(14)))
        .isInstanceOf(ReadBelowGcHorizonException.class);
  }

}
