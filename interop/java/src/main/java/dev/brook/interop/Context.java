package dev.brook.interop;

import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.concurrent.ThreadLocalRandom;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.apache.kafka.common.serialization.StringSerializer;

/**
 * What a scenario gets: the bootstrap address (and, for the amqp.* scenarios, the AMQP URI from the environment
 * variable BROOK_INTEROP_AMQP_URI), names unique to this run (so scenarios can share one broker and
 * be re-run against it), client factories with the settings every scenario wants, and one shared Admin.
 */
public final class Context implements AutoCloseable {
  private final String bootstrap;
  private final String prefix;
  private Admin admin;

  Context(String scenario, String bootstrap) {
    this.bootstrap = bootstrap;
    String run = Integer.toHexString(ThreadLocalRandom.current().nextInt(0x10000, 0xfffff));
    this.prefix = "java-" + scenario.replaceAll("[^A-Za-z0-9-]", "-") + "-" + run;
  }

  public String bootstrap() {
    return bootstrap;
  }

  /** The broker's AMQP 0-9-1 listener as amqp://user:pass@host:port (set by the test that runs the scenario). */
  public String amqpUri() {
    String uri = System.getenv("BROOK_INTEROP_AMQP_URI");
    if (uri == null || uri.isEmpty()) throw new ScenarioFailure("BROOK_INTEROP_AMQP_URI is not set (the broker's AMQP listener)");
    return uri;
  }

  /** A topic, group or transactional id unique to this run of this scenario. */
  public String name(String suffix) {
    return prefix + "-" + suffix;
  }

  public void log(String format, Object... args) {
    System.out.println(String.format(format, args));
  }

  public Admin admin() {
    if (admin == null) {
      Map<String, Object> props = new HashMap<>();
      props.put(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap);
      props.put(AdminClientConfig.DEFAULT_API_TIMEOUT_MS_CONFIG, 30_000);
      admin = Admin.create(props);
    }
    return admin;
  }

  public void createTopic(String topic, int partitions) throws Exception {
    createTopic(topic, partitions, Map.of());
  }

  public void createTopic(String topic, int partitions, Map<String, String> configs) throws Exception {
    admin().createTopics(List.of(new NewTopic(topic, partitions, (short) 1).configs(configs))).all().get();
  }

  public KafkaProducer<String, String> producer(Map<String, Object> overrides) {
    Properties p = new Properties();
    p.put(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap);
    p.put(ProducerConfig.KEY_SERIALIZER_CLASS_CONFIG, StringSerializer.class.getName());
    p.put(ProducerConfig.VALUE_SERIALIZER_CLASS_CONFIG, StringSerializer.class.getName());
    p.put(ProducerConfig.DELIVERY_TIMEOUT_MS_CONFIG, 30_000);
    p.put(ProducerConfig.REQUEST_TIMEOUT_MS_CONFIG, 20_000);
    p.putAll(overrides);
    return new KafkaProducer<>(p);
  }

  public KafkaConsumer<String, String> consumer(Map<String, Object> overrides) {
    Properties p = new Properties();
    p.put(ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap);
    p.put(ConsumerConfig.KEY_DESERIALIZER_CLASS_CONFIG, StringDeserializer.class.getName());
    p.put(ConsumerConfig.VALUE_DESERIALIZER_CLASS_CONFIG, StringDeserializer.class.getName());
    p.put(ConsumerConfig.AUTO_OFFSET_RESET_CONFIG, "earliest");
    p.put(ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, false);
    p.putAll(overrides);
    return new KafkaConsumer<>(p);
  }

  @Override
  public void close() {
    if (admin != null) admin.close();
  }
}
