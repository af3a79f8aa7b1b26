package dev.brook.interop;

import java.lang.management.ManagementFactory;
import java.lang.management.ThreadInfo;
import java.util.Map;

/**
 * Runs one named scenario against a broker:
 *   java -cp ... dev.brook.interop.Main <scenario> <bootstrap>     (exit 0: passed, 1: failed, 2: usage)
 *   java -cp ... dev.brook.interop.Main list                       (prints the scenario names)
 * The amqp.* scenarios also read the AMQP URI from BROOK_INTEROP_AMQP_URI (see Context.amqpUri).
 * A watchdog turns a hang into a failure with every thread's stack (BROOK_INTEROP_TIMEOUT_S, default 150).
 */
public final class Main {
  private Main() {}

  public static void main(String[] args) {
    Map<String, Scenario> all = Scenarios.all();
    if (args.length == 1 && args[0].equals("list")) {
      all.keySet().forEach(System.out::println);
      System.exit(0);
    }
    if (args.length != 2 || !all.containsKey(args[0])) {
      System.err.println("usage: Main <scenario> <bootstrap> | Main list");
      System.err.println(args.length > 0 ? "unknown scenario '" + args[0] + "'; known: " + all.keySet() : "");
      System.exit(2);
    }
    String name = args[0];
    startWatchdog(name);
    int code;
    try (Context ctx = new Context(name, args[1])) {
      all.get(name).run(ctx);
      System.out.println("PASS " + name);
      code = 0;
    } catch (ScenarioFailure f) {
      System.err.println("FAIL " + name + ": " + f.getMessage());
      if (f.getCause() != null) f.getCause().printStackTrace();
      code = 1;
    } catch (Throwable t) {
      System.err.println("FAIL " + name + ": unexpected " + t);
      t.printStackTrace();
      code = 1;
    }
    // Clients may leave non-daemon threads behind after a failure; the exit status is what counts.
    System.exit(code);
  }

  private static void startWatchdog(String name) {
    long seconds = Long.parseLong(System.getenv().getOrDefault("BROOK_INTEROP_TIMEOUT_S", "150"));
    Thread t = new Thread(() -> {
      try {
        Thread.sleep(seconds * 1000);
      } catch (InterruptedException e) {
        return;
      }
      System.err.println("FAIL " + name + ": still running after " + seconds + " s; thread dump follows");
      for (ThreadInfo info : ManagementFactory.getThreadMXBean().dumpAllThreads(false, false)) System.err.print(info);
      Runtime.getRuntime().halt(1);
    }, "interop-watchdog");
    t.setDaemon(true);
    t.start();
  }
}
