package dev.meridian.storage.range;

/** The in-memory store against the contract; a restart keeps the same object (the simulator's disk). */
class InMemoryRangeStoreTest extends AbstractRangeStoreContractTest {

  @Override
  protected RangeStore newStore() {
    return new InMemoryRangeStore();
  }

  @Override
  protected RangeStore restart(RangeStore store) {
    return store;
  }

  @Override
  protected void discard(RangeStore store) {
    store.close();
  }
}
