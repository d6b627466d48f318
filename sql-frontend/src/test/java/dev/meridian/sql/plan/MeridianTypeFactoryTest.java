package dev.meridian.sql.plan;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import org.apache.calcite.rel.type.RelDataType;
import org.apache.calcite.sql.type.SqlTypeName;
import org.junit.jupiter.api.Test;

class MeridianTypeFactoryTest {

  private final MeridianTypeFactory factory = new MeridianTypeFactory();

  private RelDataType row(int i) {
    return factory.createStructType(List.of(factory.createSqlType(SqlTypeName.INTEGER)), List.of("C" + i));
  }

  @Test
  void rowTypesAreSharedWhileKept() {
    assertThat(row(1)).isSameAs(row(1));
    assertThat(row(1)).isNotEqualTo(row(2));
  }

  @Test
  void theRowTypeCacheIsBoundedAndAnEvictedTypeComesBackEqual() {
    RelDataType first = row(0);
    long before = MeridianTypeFactory.rowTypeEvictions();
    for (int i = 1; i <= MeridianTypeFactory.ROW_TYPES_KEPT + 10; i++) {
      row(i);
    }
    assertThat(MeridianTypeFactory.rowTypeEvictions() - before).isGreaterThanOrEqualTo(11);
    RelDataType again = row(0);
    assertThat(again).isNotSameAs(first).isEqualTo(first);
    assertThat(again.getFullTypeString()).isEqualTo(first.getFullTypeString());
  }
}
