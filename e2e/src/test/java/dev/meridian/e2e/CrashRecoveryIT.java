package dev.meridian.e2e;

import static dev.meridian.e2e.Jdbc.exec;
import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Path;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * Kill -9 in the middle of a write workload, restart on the same data directory: every
 * acknowledged commit is there, and no transaction is there in part.
 *
 * <p>Each writer commits transactions of {@value #ROWS_PER_TXN} rows over two tables (the rows of
 * transaction {@code seq} of writer {@code w}); it records {@code seq} once {@code commit()}
 * returns. After the restart, for every writer: every recorded transaction is complete, every
 * transaction present is complete, and nothing is present beyond the one transaction whose commit
 * was in flight when the node died (its outcome is unknown to the client).
 */
@Timeout(value = 120, unit = TimeUnit.SECONDS)
class CrashRecoveryIT {

  static final int WRITERS = 4;
  static final int ROWS_PER_TXN = 3;
  static final int ACKS_BEFORE_KILL = 150;

  @TempDir Path work;

  @Test
  void everyAcknowledgedCommitSurvivesSigkillAndNoneIsPartial() throws Exception {
    Path dataDir = work.resolve("node");
    Map<Integer, Set<Integer>> acknowledged = new ConcurrentHashMap<>();
    Map<Integer, Integer> inFlight = new ConcurrentHashMap<>();
    CountDownLatch enoughAcks = new CountDownLatch(ACKS_BEFORE_KILL);
    List<Thread> writers = new ArrayList<>();
    try (NodeProcess node = NodeProcess.start(dataDir)) {
      try (Connection c = Jdbc.connect(node)) {
        exec(c, "CREATE TABLE cr_items (writer INT, seq INT, part INT, payload VARCHAR(40), "
                + "PRIMARY KEY (writer, seq, part))",
            "CREATE TABLE cr_txns (writer INT, seq INT, parts INT, PRIMARY KEY (writer, seq))");
      }
      for (int w = 0; w < WRITERS; w++) {
        int writer = w;
        acknowledged.put(writer, ConcurrentHashMap.newKeySet());
        Thread thread = new Thread(() -> write(node, writer, acknowledged.get(writer), inFlight, enoughAcks),
            "writer-" + writer);
        thread.start();
        writers.add(thread);
      }
      assertThat(enoughAcks.await(90, TimeUnit.SECONDS)).as("writers made progress").isTrue();
      node.kill();
      for (Thread thread : writers) {
        thread.join(TimeUnit.SECONDS.toMillis(60));
        assertThat(thread.isAlive()).as("%s stopped after the crash", thread.getName()).isFalse();
      }
    }

    NodeProcess restarted = NodeProcess.start(dataDir);
    try (restarted; Connection c = Jdbc.connect(restarted)) {
      Map<Integer, Map<Integer, Integer>> itemsByWriter = new HashMap<>();
      try (Statement statement = c.createStatement();
          ResultSet rs = statement.executeQuery("SELECT writer, seq, COUNT(*) FROM cr_items GROUP BY writer, seq")) {
        while (rs.next()) {
          itemsByWriter.computeIfAbsent(rs.getInt(1), k -> new TreeMap<>()).put(rs.getInt(2), rs.getInt(3));
        }
      }
      Map<Integer, Set<Integer>> txnsByWriter = new HashMap<>();
      try (Statement statement = c.createStatement();
          ResultSet rs = statement.executeQuery("SELECT writer, seq, parts FROM cr_txns")) {
        while (rs.next()) {
          assertThat(rs.getInt(3)).isEqualTo(ROWS_PER_TXN - 1);
          txnsByWriter.computeIfAbsent(rs.getInt(1), k -> new TreeSet<>()).add(rs.getInt(2));
        }
      }
      int totalAcked = 0;
      for (int writer = 0; writer < WRITERS; writer++) {
        int w = writer;
        Set<Integer> acked = acknowledged.get(w);
        totalAcked += acked.size();
        Map<Integer, Integer> items = itemsByWriter.getOrDefault(w, Map.of());
        Set<Integer> txns = txnsByWriter.getOrDefault(w, Set.of());
        assertThat(items.keySet()).as("writer %d: every acknowledged transaction survived", w).containsAll(acked);
        assertThat(txns).as("writer %d: transactions are whole across tables", w).isEqualTo(items.keySet());
        items.forEach((seq, count) ->
            assertThat(count).as("writer %d seq %d is whole", w, seq).isEqualTo(ROWS_PER_TXN - 1));
        Set<Integer> extra = new TreeSet<>(items.keySet());
        extra.removeAll(acked);
        Integer unknown = inFlight.get(w);
        assertThat(extra).as("writer %d: only the in-flight transaction may be there unacknowledged", w)
            .isSubsetOf(unknown == null ? Set.of() : Set.of(unknown));
      }
      assertThat(totalAcked).isGreaterThanOrEqualTo(ACKS_BEFORE_KILL);
    }
  }

  /** One writer: transactions until the node dies. Records acknowledged and in-flight sequence numbers. */
  private static void write(NodeProcess node, int writer, Set<Integer> acknowledged, Map<Integer, Integer> inFlight,
      CountDownLatch enoughAcks) {
    try (Connection c = Jdbc.connect(node)) {
      c.setAutoCommit(false);
      try (PreparedStatement item = c.prepareStatement("INSERT INTO cr_items VALUES (?, ?, ?, ?)");
          PreparedStatement txn = c.prepareStatement("INSERT INTO cr_txns VALUES (?, ?, ?)")) {
        for (int seq = 0; ; seq++) {
          inFlight.put(writer, seq);
          for (int part = 0; part < ROWS_PER_TXN - 1; part++) {
            item.setInt(1, writer);
            item.setInt(2, seq);
            item.setInt(3, part);
            item.setString(4, "w" + writer + "-s" + seq + "-p" + part);
            item.executeUpdate();
          }
          txn.setInt(1, writer);
          txn.setInt(2, seq);
          txn.setInt(3, ROWS_PER_TXN - 1);
          txn.executeUpdate();
          try {
            c.commit();
          } catch (SQLException e) {
            if ("40001".equals(e.getSQLState())) {
              continue; // no conflicts are expected (disjoint keys), but a retry is always safe
            }
            throw e;
          }
          acknowledged.add(seq);
          enoughAcks.countDown();
        }
      }
    } catch (Exception e) {
      // The node was killed: the connection fails (08006/08003) and the writer stops.
    }
  }
}
