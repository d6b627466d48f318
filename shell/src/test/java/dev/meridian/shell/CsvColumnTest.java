package dev.meridian.shell;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.lang.reflect.Proxy;
import java.math.BigDecimal;
import java.sql.PreparedStatement;
import java.sql.Types;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/** How a CSV field becomes a parameter value of its column's type, and how a bad one is told. */
class CsvColumnTest {

  /** The calls a PreparedStatement receives, as "setX(index, value)". */
  private final List<String> calls = new ArrayList<>();
  private final PreparedStatement statement = (PreparedStatement) Proxy.newProxyInstance(
      getClass().getClassLoader(), new Class<?>[] {PreparedStatement.class}, (proxy, method, args) -> {
        Object value = args[1] instanceof byte[] bytes ? java.util.HexFormat.of().formatHex(bytes) : args[1];
        calls.add(method.getName() + "(" + args[0] + ", " + value + ")");
        return null;
      });

  private String bind(int type, String typeName, String text, boolean quoted) throws Exception {
    calls.clear();
    new CsvColumn("C", type, typeName, true).bind(statement, 1, text, quoted);
    return calls.get(0);
  }

  @Test
  void fieldsBecomeValuesOfTheirColumnsTypes() throws Exception {
    assertThat(bind(Types.INTEGER, "INTEGER", " -12 ", false)).isEqualTo("setInt(1, -12)");
    assertThat(bind(Types.BIGINT, "BIGINT", "8000000000", false)).isEqualTo("setLong(1, 8000000000)");
    assertThat(bind(Types.DECIMAL, "DECIMAL", "3.25", false)).isEqualTo("setBigDecimal(1, " + new BigDecimal("3.25") + ")");
    assertThat(bind(Types.DOUBLE, "DOUBLE", "1e3", false)).isEqualTo("setDouble(1, 1000.0)");
    assertThat(bind(Types.BOOLEAN, "BOOLEAN", "T", false)).isEqualTo("setBoolean(1, true)");
    assertThat(bind(Types.DATE, "DATE", "2024-02-29", false)).isEqualTo("setString(1, 2024-02-29)");
    assertThat(bind(Types.TIMESTAMP, "TIMESTAMP", "2024-02-29T13:45", false))
        .isEqualTo("setString(1, 2024-02-29 13:45:00)");
    assertThat(bind(Types.TIMESTAMP, "TIMESTAMP", "2024-02-29 13:45:01.5", false))
        .isEqualTo("setString(1, 2024-02-29 13:45:01.500000000)");
    assertThat(bind(Types.VARBINARY, "VARBINARY", "\\xdeadBEEF", false)).isEqualTo("setBytes(1, deadbeef)");
    assertThat(bind(Types.VARCHAR, "VARCHAR", " kept as written ", true)).isEqualTo("setString(1,  kept as written )");
  }

  @Test
  void emptyIsNullButQuotedEmptyTextIsTheEmptyString() throws Exception {
    assertThat(bind(Types.VARCHAR, "VARCHAR", "", false)).isEqualTo("setNull(1, 12)");
    assertThat(bind(Types.VARCHAR, "VARCHAR", "", true)).isEqualTo("setString(1, )");
    assertThat(bind(Types.INTEGER, "INTEGER", "", true)).isEqualTo("setNull(1, 4)");
    assertThatThrownBy(() -> new CsvColumn("ID", Types.INTEGER, "INTEGER", false).bind(statement, 1, "", false))
        .hasMessage("an empty field is NULL, and column ID is NOT NULL");
  }

  @Test
  void badValuesSayWhatIsWrong() {
    assertThatThrownBy(() -> bind(Types.INTEGER, "INTEGER", "12x", false)).hasMessage("'12x' is not an INTEGER");
    assertThatThrownBy(() -> bind(Types.DECIMAL, "DECIMAL", "1,5", false)).hasMessage("'1,5' is not a DECIMAL");
    assertThatThrownBy(() -> bind(Types.DATE, "DATE", "2024-02-30", false))
        .hasMessage("'2024-02-30' is not a DATE (write YYYY-MM-DD)");
    assertThatThrownBy(() -> bind(Types.BOOLEAN, "BOOLEAN", "maybe", false))
        .hasMessage("'maybe' is not a BOOLEAN: write true or false");
  }
}
