package dev.meridian.sql.parser.ddl;

import java.util.Arrays;
import java.util.List;
import java.util.Optional;
import org.apache.calcite.sql.SqlCall;
import org.apache.calcite.sql.SqlDataTypeSpec;
import org.apache.calcite.sql.SqlIdentifier;
import org.apache.calcite.sql.SqlKind;
import org.apache.calcite.sql.SqlLiteral;
import org.apache.calcite.sql.SqlNode;
import org.apache.calcite.sql.SqlOperator;
import org.apache.calcite.sql.SqlWriter;
import org.apache.calcite.sql.parser.SqlParserPos;

/**
 * A column definition in CREATE TABLE or ALTER TABLE … ADD COLUMN:
 * {@code name type [NOT NULL | NULL] [DEFAULT expr | GENERATED … AS IDENTITY] [PRIMARY KEY] [UNIQUE]}. The clauses may be written in
 * any order; each is kept as written (an unspecified nullability stays UNSPECIFIED, so the executor
 * decides, e.g. that key columns are NOT NULL).
 */
public final class SqlColumnDeclaration extends SqlCall {

  /** What the column definition said about NULLs. */
  public enum Nullability {
    UNSPECIFIED, NULLABLE, NOT_NULL
  }

  static final SqlOperator OPERATOR = new DdlOperator("COLUMN", SqlKind.COLUMN_DECL,
      (pos, ops) -> new SqlColumnDeclaration(pos, (SqlIdentifier) ops.get(0),
          (SqlDataTypeSpec) ops.get(1),
          ((SqlLiteral) ops.get(2)).getValueAs(Nullability.class),
          ops.get(3), DdlOperator.flag(ops.get(4)), DdlOperator.flag(ops.get(5)),
          (SqlIdentitySpec) ops.get(6)));

  private final SqlIdentifier name;
  private final SqlDataTypeSpec dataType;
  private final Nullability nullability;
  private final SqlNode defaultValue;
  private final boolean primaryKey;
  private final boolean unique;
  private final SqlIdentitySpec identity;

  public SqlColumnDeclaration(SqlParserPos pos, SqlIdentifier name, SqlDataTypeSpec dataType,
      Nullability nullability, SqlNode defaultValue, boolean primaryKey) {
    this(pos, name, dataType, nullability, defaultValue, primaryKey, false);
  }

  public SqlColumnDeclaration(SqlParserPos pos, SqlIdentifier name, SqlDataTypeSpec dataType,
      Nullability nullability, SqlNode defaultValue, boolean primaryKey, boolean unique) {
    this(pos, name, dataType, nullability, defaultValue, primaryKey, unique, null);
  }

  /** {@code identity} is null for a column that is not GENERATED … AS IDENTITY. */
  public SqlColumnDeclaration(SqlParserPos pos, SqlIdentifier name, SqlDataTypeSpec dataType,
      Nullability nullability, SqlNode defaultValue, boolean primaryKey, boolean unique,
      SqlIdentitySpec identity) {
    super(pos);
    this.identity = identity;
    this.name = name;
    this.dataType = dataType;
    this.nullability = nullability;
    this.defaultValue = defaultValue;
    this.primaryKey = primaryKey;
    this.unique = unique;
  }

  public SqlIdentifier getName() {
    return name;
  }

  /** The type as written; TEXT/STRING and BYTES already read as VARCHAR and VARBINARY. */
  public SqlDataTypeSpec getDataType() {
    return dataType;
  }

  public Nullability getNullability() {
    return nullability;
  }

  /** The DEFAULT expression, if one was given. */
  public Optional<SqlNode> getDefaultValue() {
    return Optional.ofNullable(defaultValue);
  }

  /** Whether the column itself was declared PRIMARY KEY (a one-column key). */
  public boolean isPrimaryKey() {
    return primaryKey;
  }

  /** Whether the column itself was declared UNIQUE (a one-column UNIQUE constraint). */
  public boolean isUnique() {
    return unique;
  }

  /** The column's GENERATED … AS IDENTITY clause, if it has one. */
  public Optional<SqlIdentitySpec> getIdentity() {
    return Optional.ofNullable(identity);
  }

  @Override
  public SqlOperator getOperator() {
    return OPERATOR;
  }

  @Override
  public List<SqlNode> getOperandList() {
    return Arrays.asList(name, dataType, SqlLiteral.createSymbol(nullability, SqlParserPos.ZERO),
        defaultValue, DdlOperator.flag(primaryKey), DdlOperator.flag(unique), identity);
  }

  @Override
  public void unparse(SqlWriter writer, int leftPrec, int rightPrec) {
    name.unparse(writer, 0, 0);
    dataType.unparse(writer, 0, 0);
    switch (nullability) {
      case NOT_NULL -> writer.keyword("NOT NULL");
      case NULLABLE -> writer.keyword("NULL");
      case UNSPECIFIED -> { }
    }
    if (defaultValue != null) {
      writer.keyword("DEFAULT");
      defaultValue.unparse(writer, 0, 0);
    }
    if (identity != null) {
      identity.unparse(writer, 0, 0);
    }
    if (primaryKey) {
      writer.keyword("PRIMARY KEY");
    }
    if (unique) {
      writer.keyword("UNIQUE");
    }
  }
}
