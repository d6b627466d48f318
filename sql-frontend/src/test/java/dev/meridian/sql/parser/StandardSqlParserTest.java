package dev.meridian.sql.parser;

import static dev.meridian.sql.parser.ParserAssertions.assertFailsAt;
import static dev.meridian.sql.parser.ParserAssertions.assertRoundTrips;
import static dev.meridian.sql.parser.ParserAssertions.parse;
import static org.assertj.core.api.Assertions.assertThat;

import org.apache.calcite.sql.SqlKind;
import org.apache.calcite.sql.SqlNode;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/** Calcite's standard grammar is unchanged by Meridian's additions. */
class StandardSqlParserTest {

  @ParameterizedTest(name = "{0}: {1}")
  @CsvSource(delimiter = '|', textBlock = """
      SELECT       | SELECT a, b AS c FROM t WHERE a > 1 AND b IS NOT NULL
      SELECT       | SELECT o.id, c.name FROM orders o JOIN customers c ON o.cid = c.id LEFT JOIN notes n USING (id)
      SELECT       | SELECT region, COUNT(*), SUM(amount) FROM orders GROUP BY region HAVING COUNT(*) > 10
      ORDER_BY     | SELECT * FROM t ORDER BY a DESC, b NULLS LAST LIMIT 10 OFFSET 20
      ORDER_BY     | SELECT * FROM t ORDER BY a OFFSET 5 ROWS FETCH NEXT 3 ROWS ONLY
      ORDER_BY     | SELECT * FROM t OFFSET 5 LIMIT 3
      UNION        | SELECT a FROM t UNION SELECT a FROM u UNION ALL SELECT a FROM v
      EXCEPT       | SELECT a FROM t EXCEPT SELECT a FROM u
      INTERSECT    | SELECT a FROM t INTERSECT SELECT a FROM u
      SELECT       | SELECT * FROM t WHERE a IN (SELECT a FROM u) AND EXISTS (SELECT 1 FROM v WHERE v.a = t.a)
      SELECT       | SELECT a, (SELECT MAX(b) FROM u WHERE u.a = t.a) AS m FROM t
      SELECT       | SELECT CASE WHEN a < 0 THEN 'neg' WHEN a = 0 THEN 'zero' ELSE 'pos' END FROM t
      SELECT       | SELECT CAST(a AS VARCHAR(10)), CAST(b AS DECIMAL(10, 2)), CAST(c AS TEXT) FROM t
      SELECT       | SELECT a FROM t WHERE a != 1 AND b % 2 = 0 AND c LIKE 'x%' AND d BETWEEN 1 AND 2
      SELECT       | SELECT * FROM t WHERE ts > TIMESTAMP '2024-01-01 00:00:00' AND d = DATE '2024-01-01'
      WITH         | WITH r AS (SELECT * FROM t) SELECT * FROM r WHERE r.a = ?
      INSERT       | INSERT INTO t (a, b) SELECT a, b FROM u WHERE a > 0
      INSERT       | INSERT INTO t VALUES (1, 'x'), (2, NULL)
      UPDATE       | UPDATE t SET a = a + 1, b = 'y' WHERE id = 7
      DELETE       | DELETE FROM t WHERE id IN (1, 2, 3)
      EXPLAIN      | EXPLAIN PLAN FOR SELECT * FROM t WHERE id = 1
      """)
  void parsesAndRoundTrips(SqlKind kind, String sql) {
    SqlNode node = parse(sql);
    assertThat(node.getKind()).isEqualTo(kind);
    assertRoundTrips(node);
  }

  @ParameterizedTest(name = "{0}")
  @CsvSource(delimiter = '|', textBlock = """
      SELECT FROM t                      | 1 | 8
      SELECT * FROM t WHERE              | 1 | 21
      SELECT * FROM t LIMIT 1, 2         | 1 | 17
      'SELECT a\nFROM t\nWHERE a = = 1'  | 3 | 9
      """)
  void malformedQueriesFailWithAPosition(String sql, int line, int column) {
    assertFailsAt(sql.replace("\\n", "\n"), line, column);
  }
}
