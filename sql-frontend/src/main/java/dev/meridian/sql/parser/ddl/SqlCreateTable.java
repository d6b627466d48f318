package dev.meridian.sql.parser.ddl;

import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import org.apache.calcite.sql.SqlCreate;
import org.apache.calcite.sql.SqlIdentifier;
import org.apache.calcite.sql.SqlKind;
import org.apache.calcite.sql.SqlNode;
import org.apache.calcite.sql.SqlNodeList;
import org.apache.calcite.sql.SqlOperator;
import org.apache.calcite.sql.SqlWriter;
import org.apache.calcite.sql.parser.SqlParserPos;

/**
 * {@code CREATE TABLE [IF NOT EXISTS] name (element, …)} where an element is a
 * {@link SqlColumnDeclaration}, a {@link SqlPrimaryKeyConstraint} or a {@link SqlUniqueConstraint}. The grammar guarantees at most
 * one primary key declaration; a table without one is left for the executor to judge.
 */
public final class SqlCreateTable extends SqlCreate {

  static final SqlOperator OPERATOR = new DdlOperator("CREATE TABLE", SqlKind.CREATE_TABLE,
      (pos, ops) -> new SqlCreateTable(pos, DdlOperator.flag(ops.get(0)),
          (SqlIdentifier) ops.get(1), (SqlNodeList) ops.get(2)));

  private final SqlIdentifier name;
  private final SqlNodeList elements;

  public SqlCreateTable(SqlParserPos pos, boolean ifNotExists, SqlIdentifier name,
      SqlNodeList elements) {
    super(OPERATOR, pos, false, ifNotExists);
    this.name = name;
    this.elements = elements;
  }

  public SqlIdentifier getName() {
    return name;
  }

  public boolean isIfNotExists() {
    return ifNotExists;
  }

  /** Columns and table constraints in the order written. */
  public SqlNodeList getElements() {
    return elements;
  }

  /** The column definitions in the order written. */
  public List<SqlColumnDeclaration> getColumns() {
    return elements.stream()
        .filter(SqlColumnDeclaration.class::isInstance)
        .map(SqlColumnDeclaration.class::cast)
        .toList();
  }

  /** The table-level PRIMARY KEY constraint, if the key was declared that way. */
  public Optional<SqlPrimaryKeyConstraint> getPrimaryKeyConstraint() {
    return elements.stream()
        .filter(SqlPrimaryKeyConstraint.class::isInstance)
        .map(SqlPrimaryKeyConstraint.class::cast)
        .findFirst();
  }

  /**
   * The primary key columns in key order, however the key was declared (table constraint or a
   * column's PRIMARY KEY); empty if the statement declares no key.
   */
  public List<SqlKeyColumn> getPrimaryKey() {
    Optional<SqlPrimaryKeyConstraint> constraint = getPrimaryKeyConstraint();
    if (constraint.isPresent()) {
      return constraint.get().getColumns();
    }
    return getColumns().stream()
        .filter(SqlColumnDeclaration::isPrimaryKey)
        .map(c -> new SqlKeyColumn(c.getParserPosition(), c.getName(), false))
        .toList();
  }

  /**
   * Every UNIQUE constraint in the order written: a column declared UNIQUE gives an unnamed
   * one-column constraint at the column's position, table constraints are returned as written.
   */
  public List<SqlUniqueConstraint> getUniqueConstraints() {
    List<SqlUniqueConstraint> constraints = new ArrayList<>();
    for (SqlNode element : elements) {
      if (element instanceof SqlUniqueConstraint unique) {
        constraints.add(unique);
      } else if (element instanceof SqlColumnDeclaration column && column.isUnique()) {
        constraints.add(new SqlUniqueConstraint(column.getParserPosition(), null,
            new SqlNodeList(List.of(column.getName()), column.getName().getParserPosition())));
      }
    }
    return constraints;
  }

  @Override
  public List<SqlNode> getOperandList() {
    return List.of(DdlOperator.flag(ifNotExists), name, elements);
  }

  @Override
  public void unparse(SqlWriter writer, int leftPrec, int rightPrec) {
    writer.keyword("CREATE TABLE");
    if (ifNotExists) {
      writer.keyword("IF NOT EXISTS");
    }
    name.unparse(writer, 0, 0);
    SqlWriter.Frame frame = writer.startList("(", ")");
    for (SqlNode element : elements) {
      writer.sep(",");
      writer.newlineAndIndent();
      element.unparse(writer, 0, 0);
    }
    writer.newlineAndIndent();
    writer.endList(frame);
  }
}
