package dev.meridian.sql.exec;

/** {@link SqlTransactionsTest} with SQL on the gateway's transaction client ({@link SqlTestNode#onGateway}). */
class GatewaySqlTransactionsTest extends SqlTransactionsTest {

  @Override
  SqlTestNode newNode() {
    return SqlTestNode.onGateway();
  }
}
