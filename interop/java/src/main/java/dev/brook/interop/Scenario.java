package dev.brook.interop;

/** One interop scenario: drives Brook (or any Kafka broker) at ctx.bootstrap() and throws on any mismatch. */
@FunctionalInterface
public interface Scenario {
  void run(Context ctx) throws Exception;
}
