package dev.meridian.sql.exec;

/** {@link SqlSavepointsTest} with SQL on the gateway's transaction client ({@link SqlTestNode#onGateway}). */
class GatewaySqlSavepointsTest extends SqlSavepointsTest {

  @Override
  SqlTestNode newNode() {
    return SqlTestNode.onGateway();
  }
}
