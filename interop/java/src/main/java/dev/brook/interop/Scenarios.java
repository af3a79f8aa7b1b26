package dev.brook.interop;

import dev.brook.interop.scenarios.AdminScenarios;
import dev.brook.interop.scenarios.AmqpScenarios;
import dev.brook.interop.scenarios.ClassicGroupScenarios;
import dev.brook.interop.scenarios.ConsumerGroupScenarios;
import dev.brook.interop.scenarios.ProducerScenarios;
import dev.brook.interop.scenarios.SecurityScenarios;
import dev.brook.interop.scenarios.ShareGroupScenarios;
import dev.brook.interop.scenarios.StreamsScenarios;
import dev.brook.interop.scenarios.TransactionScenarios;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * Every scenario by name, one class per area. To add an area: a class with a static register(Registry) that
 * adds its scenarios under "<area>.<name>", one line below, and one test(...) per name in
 * test/interop/java-clients.test.ts (amqp.* in java-amqp.test.ts, security.* in java-security.test.ts).
 */
public final class Scenarios {
  private Scenarios() {}

  /** Collects scenarios; a duplicate name is a programming error. */
  public static final class Registry {
    private final Map<String, Scenario> byName = new LinkedHashMap<>();

    public void add(String name, Scenario scenario) {
      if (byName.putIfAbsent(name, scenario) != null) throw new IllegalStateException("duplicate scenario " + name);
    }
  }

  public static Map<String, Scenario> all() {
    Registry r = new Registry();
    ProducerScenarios.register(r);
    ClassicGroupScenarios.register(r);
    // Next-generation consumer groups (group.protocol=consumer, KIP-848), and migration between the protocols.
    ConsumerGroupScenarios.register(r);
    AdminScenarios.register(r);
    TransactionScenarios.register(r);
    StreamsScenarios.register(r);
    ShareGroupScenarios.register(r);
    // SASL_SSL, mutual TLS, ACLs and SCRAM users against a secured broker (test/interop/java-security.test.ts).
    SecurityScenarios.register(r);
    // RabbitMQ's Java client against the AMQP 0-9-1 listener (test/interop/java-amqp.test.ts).
    AmqpScenarios.register(r);
    return r.byName;
  }
}
