package dev.meridian.runtime.rpc;

/** An {@link RpcError} thrown or used to fail a future. */
public final class RpcException extends RuntimeException {

  private final RpcError error;

  public RpcException(RpcError error) {
    super(error.toString());
    this.error = error;
  }

  public RpcError error() {
    return error;
  }

  public boolean certainlyNotRun() {
    return error.certainlyNotRun();
  }
}
