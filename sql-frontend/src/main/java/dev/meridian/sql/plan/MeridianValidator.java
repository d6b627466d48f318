package dev.meridian.sql.plan;

import dev.meridian.sql.catalog.Column;
import dev.meridian.sql.catalog.Table;
import dev.meridian.sql.exec.SqlExecutionException;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.apache.calcite.rel.type.RelDataType;
import org.apache.calcite.rel.type.RelDataTypeFactory;
import org.apache.calcite.rel.type.RelDataTypeField;
import org.apache.calcite.sql.SqlCall;
import org.apache.calcite.sql.SqlIdentifier;
import org.apache.calcite.sql.SqlInsert;
import org.apache.calcite.sql.SqlKind;
import org.apache.calcite.sql.SqlNode;
import org.apache.calcite.sql.SqlDelete;
import org.apache.calcite.sql.SqlDynamicParam;
import org.apache.calcite.sql.SqlNodeList;
import org.apache.calcite.sql.SqlOperatorTable;
import org.apache.calcite.sql.SqlSelect;
import org.apache.calcite.sql.SqlUpdate;
import org.apache.calcite.sql.type.SqlTypeName;
import org.apache.calcite.sql.validate.SqlValidatorScope;
import org.apache.calcite.sql.validate.SqlValidatorTable;
import org.apache.calcite.sql.validate.SelectScope;
import org.apache.calcite.sql.validate.SqlValidatorCatalogReader;
import org.apache.calcite.sql.validate.SqlValidatorImpl;

/**
 * Calcite's validator, with Meridian's hidden columns treated as system fields: {@code SELECT *}
 * leaves out the row id of tables declared without a primary key, as CockroachDB does, while DML
 * still sees it (the planner needs it to find each row). An untyped dynamic parameter that is an
 * operand of a text operator ({@code UPPER(?)}, {@code v || ?}) is VARCHAR, as PostgreSQL makes an
 * unknown-typed parameter text; Calcite refused such a statement ("Illegal use of dynamic
 * parameter").
 */
public final class MeridianValidator extends SqlValidatorImpl {

  public MeridianValidator(
      SqlOperatorTable operators,
      SqlValidatorCatalogReader catalogReader,
      RelDataTypeFactory typeFactory,
      Config config) {
    super(operators, catalogReader, typeFactory, config);
  }

  /**
   * Operators whose operands are text whatever else they take, so an untyped parameter among them
   * is VARCHAR. Only these: elsewhere (COALESCE, CASE, a bare {@code SELECT ?}) the enclosing
   * expression's type is derived before parameters are typed, and typing one afterwards made the
   * converted plan disagree with the validated row type; those stay Calcite's 42000.
   */
  private static final Set<SqlKind> TEXT_OPERATORS = Set.of(SqlKind.LIKE, SqlKind.SIMILAR, SqlKind.TRIM);
  private static final Set<String> TEXT_FUNCTIONS = Set.of("||", "UPPER", "LOWER", "INITCAP", "CHAR_LENGTH",
      "CHARACTER_LENGTH", "LENGTH", "CONCAT", "LTRIM", "RTRIM", "BTRIM");

  @Override
  protected void inferUnknownTypes(RelDataType inferredType, SqlValidatorScope scope, SqlNode node) {
    if (node instanceof SqlDynamicParam) {
      // Typed already by a text operator above it (below), or by another use of the same node.
      RelDataType known = getValidatedNodeTypeIfKnown(node);
      if (inferredType.equals(unknownType) && known != null && !known.equals(unknownType)) {
        inferredType = known;
      }
    } else if (node instanceof SqlCall call && (TEXT_OPERATORS.contains(call.getKind())
        || TEXT_FUNCTIONS.contains(call.getOperator().getName().toUpperCase(java.util.Locale.ROOT)))) {
      RelDataTypeFactory types = getTypeFactory();
      RelDataType text = types.createTypeWithNullability(types.createSqlType(SqlTypeName.VARCHAR), true);
      for (SqlNode operand : call.getOperandList()) {
        if (operand instanceof SqlDynamicParam parameter) {
          RelDataType known = getValidatedNodeTypeIfKnown(parameter);
          if (known == null || known.equals(unknownType)) {
            super.inferUnknownTypes(text, scope, parameter);
          }
        }
      }
    }
    super.inferUnknownTypes(inferredType, scope, node);
  }

  /** Applies {@link SqlRewrites} (NEXT VALUE FOR, LIKE … ESCAPE) before Calcite validates. */
  @Override
  public SqlNode validate(SqlNode topNode) {
    return super.validate(SqlRewrites.rewrite(topNode));
  }

  /** An identity column GENERATED ALWAYS takes no value but DEFAULT (SQLSTATE 428C9, as PostgreSQL). */
  @Override
  public void validateInsert(SqlInsert insert) {
    Table table = descriptor(insert.getTargetTable());
    if (table != null) {
      List<String> targets = new ArrayList<>();
      if (insert.getTargetColumnList() == null) {
        table.columns().stream().filter(c -> !c.hidden()).forEach(c -> targets.add(c.name()));
      } else {
        insert.getTargetColumnList().forEach(c -> targets.add(((SqlIdentifier) c).getSimple()));
      }
      for (int i = 0; i < targets.size(); i++) {
        String name = targets.get(i);
        boolean always = table.column(name).map(c -> c.identity() == Column.Identity.ALWAYS).orElse(false);
        if (always && !onlyDefaults(insert.getSource(), i)) {
          throw new SqlExecutionException("428C9", "cannot insert a non-DEFAULT value into column " + name
              + " of table " + table.name() + ": it is an identity column GENERATED ALWAYS; leave it out "
              + "or give DEFAULT");
        }
      }
    }
    super.validateInsert(insert);
  }

  @Override
  public void validateUpdate(SqlUpdate update) {
    Table table = descriptor(update.getTargetTable());
    if (table != null && update.getTargetColumnList() != null) {
      for (SqlNode column : update.getTargetColumnList()) {
        String name = ((SqlIdentifier) column).getSimple();
        if (table.column(name).map(c -> c.identity() == Column.Identity.ALWAYS).orElse(false)) {
          throw new SqlExecutionException("428C9", "column " + name + " of table " + table.name()
              + " is an identity column GENERATED ALWAYS and cannot be updated");
        }
      }
    }
    super.validateUpdate(update);
  }

  /** Whether every row of {@code source}, a VALUES, gives DEFAULT at {@code position}. */
  private static boolean onlyDefaults(SqlNode source, int position) {
    if (source.getKind() != SqlKind.VALUES) {
      return false;
    }
    for (SqlNode row : ((SqlCall) source).getOperandList()) {
      if (!(row instanceof SqlCall call) || position >= call.operandCount()
          || call.operand(position).getKind() != SqlKind.DEFAULT) {
        return false;
      }
    }
    return true;
  }

  private Table descriptor(SqlNode target) {
    if (!(target instanceof SqlIdentifier name)) {
      return null;
    }
    SqlValidatorTable table = getCatalogReader().getTable(name.names);
    MeridianTable meridian = table == null ? null : table.unwrap(MeridianTable.class);
    return meridian == null ? null : meridian.descriptor();
  }

  @Override
  public boolean isSystemField(RelDataTypeField field) {
    return Table.ROW_ID.equals(field.getName());
  }

  @Override
  protected void addToSelectList(
      List<SqlNode> list,
      Set<String> aliases,
      List<Map.Entry<String, RelDataType>> fieldList,
      SqlNode exp,
      SelectScope scope,
      boolean includeSystemVars) {
    if (!includeSystemVars && exp instanceof SqlIdentifier identifier
        && Table.ROW_ID.equals(identifier.names.get(identifier.names.size() - 1))) {
      return;
    }
    super.addToSelectList(list, aliases, fieldList, exp, scope, includeSystemVars);
  }

  /** UPDATE's rows must carry hidden key columns too, or the executor could not find them. */
  @Override
  protected SqlSelect createSourceSelectForUpdate(SqlUpdate call) {
    return withAllColumns(super.createSourceSelectForUpdate(call), call.getTargetTable());
  }

  /** DELETE's rows must carry hidden key columns too, or the executor could not find them. */
  @Override
  protected SqlSelect createSourceSelectForDelete(SqlDelete call) {
    return withAllColumns(super.createSourceSelectForDelete(call), call.getTargetTable());
  }

  /** Replaces the leading {@code *} of a DML source select with every column of the target table. */
  private SqlSelect withAllColumns(SqlSelect select, SqlNode target) {
    if (!(target instanceof SqlIdentifier name)) {
      return select;
    }
    SqlValidatorTable table = getCatalogReader().getTable(name.names);
    SqlNodeList list = select.getSelectList();
    if (table == null || list == null || list.isEmpty()
        || !(list.get(0) instanceof SqlIdentifier star && star.isStar())) {
      return select;
    }
    SqlNodeList expanded = new SqlNodeList(list.getParserPosition());
    for (RelDataTypeField field : table.getRowType().getFieldList()) {
      expanded.add(new SqlIdentifier(field.getName(), star.getParserPosition()));
    }
    for (int i = 1; i < list.size(); i++) {
      expanded.add(list.get(i));
    }
    select.setSelectList(expanded);
    return select;
  }
}
