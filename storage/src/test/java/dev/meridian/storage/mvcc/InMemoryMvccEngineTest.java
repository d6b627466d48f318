package dev.meridian.storage.mvcc;

/** The in-memory engine against the engine contract. It keeps nothing across a reopen. */
class InMemoryMvccEngineTest extends AbstractMvccEngineContractTest {

  @Override
  protected MvccEngine newEngine() {
    return new InMemoryMvccEngine();
  }
}
