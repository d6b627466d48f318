package dev.meridian.sql.exec;

/** {@link SqlBasicsTest} with SQL on the gateway's transaction client ({@link SqlTestNode#onGateway}). */
class GatewaySqlBasicsTest extends SqlBasicsTest {

  @Override
  SqlTestNode newNode() {
    return SqlTestNode.onGateway();
  }
}
