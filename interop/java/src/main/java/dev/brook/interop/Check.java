package dev.brook.interop;

import java.time.Duration;
import java.util.Objects;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.Future;
import java.util.function.BooleanSupplier;
import java.util.function.Supplier;

/** Assertions for scenarios. Failures name what was expected and what the broker gave. */
public final class Check {
  private Check() {}

  public static void that(boolean condition, String what) {
    if (!condition) throw new ScenarioFailure(what);
  }

  public static void equal(Object expected, Object actual, String what) {
    if (!Objects.equals(expected, actual)) {
      throw new ScenarioFailure(what + ": expected " + expected + " but was " + actual);
    }
  }

  /**
   * Polls a condition until it holds (a wait on state, not a sleep as synchronisation); the deadline only turns a
   * hang into a failure. The supplier describes the state seen last, for the failure message.
   */
  public static void eventually(Duration limit, String what, BooleanSupplier condition, Supplier<String> state) {
    long deadline = System.nanoTime() + limit.toNanos();
    while (!condition.getAsBoolean()) {
      if (System.nanoTime() > deadline) {
        throw new ScenarioFailure("timed out after " + limit.toSeconds() + " s waiting for " + what + "; last seen: " + state.get());
      }
      try {
        Thread.sleep(50);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        throw new ScenarioFailure("interrupted waiting for " + what);
      }
    }
  }

  /** Expects a future (an Admin or producer result) to fail with the given Kafka exception type. */
  public static <T extends Throwable> T failsWith(Class<T> type, Future<?> future, String what) throws InterruptedException {
    try {
      Object value = future.get();
      throw new ScenarioFailure(what + ": expected " + type.getSimpleName() + " but succeeded with " + value);
    } catch (ExecutionException e) {
      Throwable cause = e.getCause();
      if (type.isInstance(cause)) return type.cast(cause);
      throw new ScenarioFailure(what + ": expected " + type.getSimpleName() + " but got " + cause, cause);
    }
  }

  /** Expects a call to throw the given exception type (directly or as the cause of a KafkaException). */
  public static <T extends Throwable> T throwsA(Class<T> type, ThrowingRunnable action, String what) {
    try {
      action.run();
    } catch (Throwable t) {
      for (Throwable c = t; c != null; c = c.getCause()) {
        if (type.isInstance(c)) return type.cast(c);
      }
      throw new ScenarioFailure(what + ": expected " + type.getSimpleName() + " but got " + t, t);
    }
    throw new ScenarioFailure(what + ": expected " + type.getSimpleName() + " but it succeeded");
  }

  @FunctionalInterface
  public interface ThrowingRunnable {
    void run() throws Exception;
  }
}
