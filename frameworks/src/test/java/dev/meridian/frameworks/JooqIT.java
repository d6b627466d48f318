package dev.meridian.frameworks;

import static org.assertj.core.api.Assertions.assertThat;
import static org.jooq.impl.DSL.field;
import static org.jooq.impl.DSL.name;
import static org.jooq.impl.DSL.table;

import java.nio.file.Path;
import java.sql.Connection;
import java.time.LocalDate;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.jooq.DSLContext;
import org.jooq.Field;
import org.jooq.Record;
import org.jooq.SQLDialect;
import org.jooq.Table;
import org.jooq.impl.DSL;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * jOOQ's DSL without generated code, with its DEFAULT dialect (standard SQL): inserts, typed
 * queries with paging, a list longer than one frame, and nested transactions (savepoints).
 */
@Timeout(value = 120, unit = TimeUnit.SECONDS)
class JooqIT {

  static final Table<Record> ORDERS = table(name("ORDERS"));
  static final Field<Long> ID = field(name("ID"), Long.class);
  static final Field<String> CUSTOMER = field(name("CUSTOMER"), String.class);
  static final Field<LocalDate> PLACED = field(name("PLACED"), LocalDate.class);

  @TempDir static Path work;
  static RunningNode node;
  static Connection connection;
  static DSLContext db;

  @BeforeAll
  static void start() throws Exception {
    node = RunningNode.start(work);
    node.exec("CREATE TABLE orders (id BIGINT PRIMARY KEY, customer VARCHAR(40) NOT NULL, placed DATE)");
    connection = node.connect();
    db = DSL.using(connection, SQLDialect.DEFAULT);
  }

  @AfterAll
  static void stop() throws Exception {
    if (connection != null) {
      connection.close();
    }
    if (node != null) {
      node.close();
    }
  }

  @Test
  void insertsAndTypedQueriesWithPaging() {
    for (long i = 1; i <= 300; i++) {
      db.insertInto(ORDERS, ID, CUSTOMER, PLACED).values(i, "c" + (i % 7), LocalDate.of(2024, 1, 1).plusDays(i)).execute();
    }
    // The other test's rows have ids above 10,000.
    List<Long> all = db.select(ID).from(ORDERS).where(ID.le(300L)).orderBy(ID).fetch(ID);
    assertThat(all).hasSize(300).startsWith(1L, 2L).endsWith(300L);
    List<Long> page = db.select(ID).from(ORDERS).where(CUSTOMER.eq("c3").and(ID.le(300L)))
        .orderBy(ID.desc()).limit(5).offset(2).fetch(ID);
    assertThat(page).containsExactly(283L, 276L, 269L, 262L, 255L);
    LocalDate placed = db.select(PLACED).from(ORDERS).where(ID.eq(10L)).fetchOne(PLACED);
    assertThat(placed).isEqualTo(LocalDate.of(2024, 1, 11));
  }

  @Test
  void aNestedTransactionRollsBackToItsSavepoint() {
    db.transaction(outer -> {
      DSL.using(outer).insertInto(ORDERS, ID, CUSTOMER).values(10_001L, "outer").execute();
      try {
        DSL.using(outer).transaction(inner -> {
          DSL.using(inner).insertInto(ORDERS, ID, CUSTOMER).values(10_002L, "inner").execute();
          throw new IllegalStateException("roll the inner one back");
        });
      } catch (IllegalStateException expected) {
        // the inner transaction's savepoint was rolled back; the outer goes on
      }
    });
    assertThat(db.select(ID).from(ORDERS).where(ID.ge(10_001L)).orderBy(ID).fetch(ID)).containsExactly(10_001L);
  }
}
