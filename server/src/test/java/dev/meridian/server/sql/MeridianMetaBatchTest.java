package dev.meridian.server.sql;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.meridian.server.LocalNode;
import dev.meridian.server.admin.NodeMetrics;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.apache.calcite.avatica.ColumnMetaData;
import org.apache.calcite.avatica.Meta;
import org.apache.calcite.avatica.proto.Requests;
import org.apache.calcite.avatica.remote.AvaticaRuntimeException;
import org.apache.calcite.avatica.remote.TypedValue;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Batches through the Meta on a real node, as the protobuf transport sends them: an autocommit
 * batch is one transaction, and a failure says in its error code where the batch stopped.
 */
class MeridianMetaBatchTest {

  @TempDir Path dir;
  LocalNode node;
  MeridianMeta meta;
  final NodeMetrics metrics = new NodeMetrics();
  final Meta.ConnectionHandle ch = new Meta.ConnectionHandle("c1");

  @BeforeEach
  void open() {
    node = new LocalNode(dir);
    meta = new MeridianMeta(node.sqlEngine(), MeridianMeta.Limits.defaults(), System::nanoTime, metrics);
    meta.openConnection(ch, Map.of());
    run("CREATE TABLE t (id BIGINT PRIMARY KEY, s VARCHAR(20))");
  }

  @AfterEach
  void close() {
    meta.closeAll();
    node.close();
  }

  Meta.ExecuteResult run(String sql) {
    try {
      return meta.prepareAndExecute(meta.createStatement(ch), sql, -1, -1, null);
    } catch (Exception e) {
      throw new IllegalStateException(e);
    }
  }

  long count() {
    Meta.MetaResultSet result = run("SELECT COUNT(*) FROM t").resultSets.get(0);
    return ((Number) ((Object[]) result.firstFrame.rows.iterator().next())[0]).longValue();
  }

  private static List<Requests.UpdateBatch> rows(int from, int to) {
    List<Requests.UpdateBatch> batches = new ArrayList<>();
    for (int i = from; i < to; i++) {
      batches.add(Requests.UpdateBatch.newBuilder()
          .addParameterValues(TypedValue.ofLocal(ColumnMetaData.Rep.LONG, (long) i).toProto())
          .addParameterValues(TypedValue.ofLocal(ColumnMetaData.Rep.STRING, "v" + i).toProto())
          .build());
    }
    return batches;
  }

  @Test
  void aProtobufBatchInsertsEveryRowInOneCommit() throws Exception {
    Meta.StatementHandle h = meta.prepare(ch, "INSERT INTO t VALUES (?, ?)", -1);
    long commitsBefore = metrics.commits();
    Meta.ExecuteBatchResult result = meta.executeBatchProtobuf(h, rows(0, 2_000));
    assertThat(result.updateCounts).hasSize(2_000).containsOnly(1L);
    assertThat(metrics.commits() - commitsBefore).isEqualTo(1);
    assertThat(count()).isEqualTo(2_000);
  }

  @Test
  void aFailingRowInTheMiddleLeavesNoneAndIsNamed() throws Exception {
    Meta.StatementHandle h = meta.prepare(ch, "INSERT INTO t VALUES (?, ?)", -1);
    List<Requests.UpdateBatch> batch = new ArrayList<>(rows(0, 1_000));
    batch.set(600, rows(3, 4).get(0));
    assertThatThrownBy(() -> meta.executeBatchProtobuf(h, batch))
        .isInstanceOfSatisfying(AvaticaRuntimeException.class, e -> {
          assertThat(e.getSqlState()).isEqualTo("23505");
          assertThat(e.getErrorCode()).isEqualTo(601);
          assertThat(e.getErrorMessage()).startsWith("statement 601 of the batch of 1000 failed");
        });
    assertThat(count()).isZero();
    assertThat(metrics.render(gauges())).contains("meridian_statement_errors_total{sqlstate=\"23505\"} 1");
    // The statement stays usable.
    assertThat(meta.executeBatchProtobuf(h, rows(0, 10)).updateCounts).hasSize(10);
  }

  @Test
  void aStatementBatchOfDmlIsOneTransactionAndDdlRunsAlone() throws Exception {
    Meta.StatementHandle h = meta.createStatement(ch);
    assertThatThrownBy(() -> meta.prepareAndExecuteBatch(h, List.of(
        "INSERT INTO t VALUES (1, 'a')", "INSERT INTO t VALUES (2, 'b')", "INSERT INTO t VALUES (1, 'c')")))
        .isInstanceOfSatisfying(AvaticaRuntimeException.class, e -> assertThat(e.getErrorCode()).isEqualTo(3));
    assertThat(count()).isZero();
    assertThat(meta.prepareAndExecuteBatch(h, List.of("CREATE TABLE u (id INT PRIMARY KEY)",
        "INSERT INTO u VALUES (1)")).updateCounts).containsExactly(0, 1);
  }

  @Test
  void aBadParameterNamesItsStatement() throws Exception {
    Meta.StatementHandle h = meta.prepare(ch, "INSERT INTO t VALUES (?, ?)", -1);
    List<Requests.UpdateBatch> batch = new ArrayList<>(rows(0, 5));
    batch.set(2, Requests.UpdateBatch.newBuilder()
        .addParameterValues(TypedValue.ofLocal(ColumnMetaData.Rep.STRING, "not a number").toProto())
        .addParameterValues(TypedValue.ofLocal(ColumnMetaData.Rep.STRING, "x").toProto()).build());
    assertThatThrownBy(() -> meta.executeBatchProtobuf(h, batch))
        .isInstanceOfSatisfying(AvaticaRuntimeException.class, e -> {
          assertThat(e.getErrorCode()).isEqualTo(3);
          assertThat(e.getErrorMessage()).contains("statement 3 of the batch of 5");
        });
    assertThat(count()).isZero();
  }

  private NodeMetrics.Gauges gauges() {
    return MetaGauges.of(meta, node);
  }
}
