package dev.brook.interop.support;

import java.io.BufferedReader;
import java.io.File;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.Properties;
import java.util.Set;
import java.util.TreeSet;
import java.util.concurrent.atomic.AtomicReference;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.StringDeserializer;

/**
 * A group member in a JVM of its own, so a scenario can kill it outright (SIGKILL): the broker then hears nothing
 * more from it, the way a crashed consumer goes, and must find out through the session timeout. The child prints
 * "assignment 0,1" whenever what it owns changes, "consumed <value>" per record, and "committed <n>" once the first
 * n records it consumed are committed (after each poll).
 *   java -cp ... dev.brook.interop.support.MemberProcess <bootstrap> <group> <topic> <group.protocol>
 */
public final class MemberProcess implements AutoCloseable {
  private final Process process;
  private final AtomicReference<Set<Integer>> assignment = new AtomicReference<>(Set.of());
  private final List<String> consumed = new java.util.concurrent.CopyOnWriteArrayList<>();
  private volatile int committed;

  public MemberProcess(String bootstrap, String group, String topic, String protocol) throws Exception {
    String java = System.getProperty("java.home") + File.separator + "bin" + File.separator + "java";
    process = new ProcessBuilder(java, "-XX:+UseSerialGC", "-XX:TieredStopAtLevel=1", "-cp", System.getProperty("java.class.path"),
        MemberProcess.class.getName(), bootstrap, group, topic, protocol).redirectErrorStream(true).start();
    Thread reader = new Thread(() -> {
      try (BufferedReader r = new BufferedReader(new InputStreamReader(process.getInputStream(), StandardCharsets.UTF_8))) {
        for (String line; (line = r.readLine()) != null; ) {
          if (line.startsWith("assignment ")) {
            Set<Integer> now = new TreeSet<>();
            String list = line.substring("assignment ".length()).trim();
            if (!list.isEmpty()) for (String p : list.split(",")) now.add(Integer.parseInt(p));
            assignment.set(now);
          } else if (line.startsWith("consumed ")) {
            consumed.add(line.substring("consumed ".length()));
          } else if (line.startsWith("committed ")) {
            committed = Integer.parseInt(line.substring("committed ".length()).trim());
          }
        }
      } catch (Exception e) {
        // the process died: nothing more to read
      }
    }, "member-process-reader");
    reader.setDaemon(true);
    reader.start();
  }

  public Set<Integer> assignment() {
    return assignment.get();
  }

  public List<String> consumed() {
    return List.copyOf(consumed);
  }

  /** How many of the consumed records are committed (the child says so after each commitSync). */
  public int committed() {
    return committed;
  }

  /** SIGKILL: no leave, no last heartbeat. */
  public void kill() throws InterruptedException {
    process.destroyForcibly();
    process.waitFor();
  }

  @Override
  public void close() throws InterruptedException {
    if (process.isAlive()) kill();
  }

  @Override
  public String toString() {
    return "process" + assignment() + " consumed=" + consumed.size();
  }

  public static void main(String[] args) {
    Properties p = new Properties();
    p.put(ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, args[0]);
    p.put(ConsumerConfig.GROUP_ID_CONFIG, args[1]);
    p.put(ConsumerConfig.GROUP_PROTOCOL_CONFIG, args[3]);
    p.put(ConsumerConfig.CLIENT_ID_CONFIG, "member-process");
    p.put(ConsumerConfig.KEY_DESERIALIZER_CLASS_CONFIG, StringDeserializer.class.getName());
    p.put(ConsumerConfig.VALUE_DESERIALIZER_CLASS_CONFIG, StringDeserializer.class.getName());
    p.put(ConsumerConfig.AUTO_OFFSET_RESET_CONFIG, "earliest");
    p.put(ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, false);
    try (KafkaConsumer<String, String> consumer = new KafkaConsumer<>(p)) {
      consumer.subscribe(List.of(args[2]));
      Set<Integer> last = null;
      int total = 0;
      while (true) {
        boolean any = false;
        for (ConsumerRecord<String, String> r : consumer.poll(Duration.ofMillis(100))) {
          System.out.println("consumed " + r.value());
          total++;
          any = true;
        }
        if (any) {
          consumer.commitSync();
          System.out.println("committed " + total);
        }
        Set<Integer> now = new TreeSet<>();
        for (TopicPartition tp : consumer.assignment()) now.add(tp.partition());
        if (!now.equals(last)) {
          System.out.println("assignment " + String.join(",", now.stream().map(String::valueOf).toList()));
          last = now;
        }
        System.out.flush();
      }
    }
  }
}
