package dev.brook.interop;

/** A scenario's expectation that did not hold; Main prints its message without a stack trace. */
public final class ScenarioFailure extends RuntimeException {
  private static final long serialVersionUID = 1L;

  public ScenarioFailure(String message) {
    super(message);
  }

  public ScenarioFailure(String message, Throwable cause) {
    super(message, cause);
  }
}
