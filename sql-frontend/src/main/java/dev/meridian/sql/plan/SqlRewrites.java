package dev.meridian.sql.plan;

import dev.meridian.sql.exec.SqlExecutionException;
import java.util.List;
import org.apache.calcite.sql.SqlBasicCall;
import org.apache.calcite.sql.SqlCall;
import org.apache.calcite.sql.SqlCharStringLiteral;
import org.apache.calcite.sql.SqlFunctionCategory;
import org.apache.calcite.sql.SqlIdentifier;
import org.apache.calcite.sql.SqlLiteral;
import org.apache.calcite.sql.SqlNode;
import org.apache.calcite.sql.SqlNodeList;
import org.apache.calcite.sql.SqlUnresolvedFunction;
import org.apache.calcite.sql.fun.SqlStdOperatorTable;
import org.apache.calcite.sql.parser.SqlParserPos;

/**
 * Rewrites of a parsed statement, in place, before validation, for SQL that Calcite parses but
 * runs differently from what the standard (and PostgreSQL) say:
 *
 * <ul>
 *   <li>{@code NEXT VALUE FOR s} becomes {@code NEXTVAL('"S"')}: Calcite's own NEXT VALUE wants a
 *       sequence table and runs on a per-thread counter; Meridian's {@link NextValueFunction} draws
 *       from the cluster-wide sequence.
 *   <li>{@code x [NOT] LIKE p ESCAPE e}: an empty literal escape means no escape character (SQL
 *       standard; Hibernate adds {@code ESCAPE ''} to every JPQL LIKE), so it becomes a plain LIKE;
 *       a literal of more than one character is SQLSTATE 22025, as in PostgreSQL; an escape that is
 *       not a literal (a parameter) becomes {@link LikeEscape#FUNCTION}, which checks it when it
 *       runs. Calcite's LIKE failed on both with an internal error.
 * </ul>
 */
public final class SqlRewrites {

  private SqlRewrites() {}

  /** {@code node} with the rewrites applied; sub-nodes are replaced in place. */
  public static SqlNode rewrite(SqlNode node) {
    if (node instanceof SqlNodeList list) {
      for (int i = 0; i < list.size(); i++) {
        SqlNode item = list.get(i);
        SqlNode rewritten = rewrite(item);
        if (rewritten != item) {
          list.set(i, rewritten);
        }
      }
      return list;
    }
    if (!(node instanceof SqlCall call)) {
      return node;
    }
    List<SqlNode> operands = call.getOperandList();
    for (int i = 0; i < operands.size(); i++) {
      SqlNode operand = operands.get(i);
      SqlNode rewritten = rewrite(operand);
      if (rewritten != operand) {
        call.setOperand(i, rewritten);
      }
    }
    return replacement(call);
  }

  private static SqlNode replacement(SqlCall call) {
    if (call.getOperator() == SqlStdOperatorTable.NEXT_VALUE) {
      SqlIdentifier sequence = (SqlIdentifier) call.operand(0);
      String name = sequence.names.get(sequence.names.size() - 1);
      return NextValueFunction.call("\"" + name.replace("\"", "\"\"") + "\"", call.getParserPosition());
    }
    boolean like = call.getOperator() == SqlStdOperatorTable.LIKE;
    boolean notLike = call.getOperator() == SqlStdOperatorTable.NOT_LIKE;
    if ((like || notLike) && call.operandCount() == 3) {
      SqlNode escape = call.operand(2);
      SqlParserPos pos = call.getParserPosition();
      if (escape instanceof SqlCharStringLiteral literal) {
        String text = literal.getValueAs(String.class);
        if (text.codePointCount(0, text.length()) == 1) {
          return call;
        }
        if (!text.isEmpty()) {
          throw LikeEscape.invalidEscape(text);
        }
        return new SqlBasicCall(call.getOperator(), List.of(call.operand(0), call.operand(1)), pos);
      }
      if (escape instanceof SqlLiteral literal && literal.getValue() == null) {
        return call;
      }
      SqlNode matches = new SqlBasicCall(
          new SqlUnresolvedFunction(new SqlIdentifier(LikeEscape.NAME, pos), null, null, null, null,
              SqlFunctionCategory.USER_DEFINED_FUNCTION),
          List.of(call.operand(0), call.operand(1), escape), pos);
      return like ? matches : new SqlBasicCall(SqlStdOperatorTable.NOT, List.of(matches), pos);
    }
    return call;
  }

  /** The sequence a NEXTVAL argument names: unquoted folds to upper case, "quoted" is kept. */
  static String sequenceName(String argument) {
    String name = argument.trim();
    if (name.startsWith(MeridianSchema.NAME + ".")) {
      name = name.substring(MeridianSchema.NAME.length() + 1);
    }
    if (name.length() >= 2 && name.startsWith("\"") && name.endsWith("\"")) {
      return name.substring(1, name.length() - 1).replace("\"\"", "\"");
    }
    if (name.isEmpty()) {
      throw new SqlExecutionException("42602", "nextval needs the name of a sequence");
    }
    return name.toUpperCase(java.util.Locale.ROOT);
  }
}
