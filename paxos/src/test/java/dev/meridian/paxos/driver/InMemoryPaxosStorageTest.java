package dev.meridian.paxos.driver;

/** The in-memory storage against the contract. */
class InMemoryPaxosStorageTest extends AbstractPaxosStorageContractTest {

  @Override
  protected PaxosStorage newStorage() {
    return new InMemoryPaxosStorage();
  }
}
