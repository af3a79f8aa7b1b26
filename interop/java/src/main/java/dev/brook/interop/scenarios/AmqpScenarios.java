package dev.brook.interop.scenarios;

import com.rabbitmq.client.AMQP;
import com.rabbitmq.client.BuiltinExchangeType;
import com.rabbitmq.client.Channel;
import com.rabbitmq.client.Connection;
import com.rabbitmq.client.ConnectionFactory;
import com.rabbitmq.client.GetResponse;
import com.rabbitmq.client.LongString;
import com.rabbitmq.client.MessageProperties;
import com.rabbitmq.client.Return;
import com.rabbitmq.client.ShutdownSignalException;
import dev.brook.interop.Check;
import dev.brook.interop.Context;
import dev.brook.interop.ScenarioFailure;
import dev.brook.interop.Scenarios.Registry;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;

/**
 * RabbitMQ's Java client (com.rabbitmq:amqp-client), unmodified, against Brook's AMQP 0-9-1 listener: publisher
 * confirms, basic.get and consumers with prefetch, exchange routing, reject/nack with requeue and dead-lettering,
 * mandatory returns, and channel-level errors. Automatic connection recovery is off: a failure must show, not heal.
 */
public final class AmqpScenarios {
  private AmqpScenarios() {}

  private static final Duration WAIT = Duration.ofSeconds(30);
  private static final long CONFIRM_TIMEOUT_MS = 30_000;

  public static void register(Registry r) {
    r.add("amqp.confirms-get-consume", AmqpScenarios::confirmsGetConsume);
    r.add("amqp.exchange-routing", AmqpScenarios::exchangeRouting);
    r.add("amqp.reject-nack-dead-letter", AmqpScenarios::rejectNackDeadLetter);
    r.add("amqp.mandatory-return", AmqpScenarios::mandatoryReturn);
    r.add("amqp.channel-errors", AmqpScenarios::channelErrors);
  }

  static Connection connect(Context ctx, String name) throws Exception {
    ConnectionFactory f = new ConnectionFactory();
    f.setUri(ctx.amqpUri());
    f.setAutomaticRecoveryEnabled(false);
    f.setTopologyRecoveryEnabled(false);
    f.setConnectionTimeout(20_000);
    return f.newConnection(ctx.name(name));
  }

  static byte[] utf8(String s) {
    return s.getBytes(StandardCharsets.UTF_8);
  }

  static String text(byte[] body) {
    return new String(body, StandardCharsets.UTF_8);
  }

  /** A header value as a string: the client decodes AMQP long strings as LongString. */
  static String str(Object v) {
    return v instanceof LongString || v instanceof String ? v.toString() : String.valueOf(v);
  }

  /** Drains a queue with basic.get (auto-ack) and returns the bodies in delivery order. */
  static List<String> drain(Channel ch, String queue) throws Exception {
    List<String> out = new ArrayList<>();
    for (GetResponse r = ch.basicGet(queue, true); r != null; r = ch.basicGet(queue, true)) out.add(text(r.getBody()));
    return out;
  }

  static GetResponse get(Channel ch, String queue, String what) throws Exception {
    GetResponse r = ch.basicGet(queue, false);
    if (r == null) throw new ScenarioFailure(what + ": basic.get found the queue empty");
    return r;
  }

  /**
   * Persistent messages published with confirms (waitForConfirmsOrDie) into a durable queue; message count from a
   * passive declare; basic.get with manual ack returning every property; then a consumer with manual acks and a
   * prefetch of 3: exactly 3 arrive before any ack, never more than 3 unacknowledged, all in order, queue empty.
   */
  static void confirmsGetConsume(Context ctx) throws Exception {
    String q = ctx.name("durable");
    int n = 12;
    try (Connection conn = connect(ctx, "conn"); Channel ch = conn.createChannel()) {
      ch.queueDeclare(q, true, false, false, null);
      ch.confirmSelect();
      for (int i = 0; i < n; i++) {
        AMQP.BasicProperties props = MessageProperties.PERSISTENT_TEXT_PLAIN.builder()
            .messageId("m-" + i)
            .correlationId("c-" + i)
            .headers(Map.of("seq", i, "source", "java"))
            .build();
        ch.basicPublish("", q, props, utf8("msg-" + i));
      }
      ch.waitForConfirmsOrDie(CONFIRM_TIMEOUT_MS);
      Check.equal(n, ch.queueDeclarePassive(q).getMessageCount(), "messages in the queue once all are confirmed");

      GetResponse first = get(ch, q, "first basic.get");
      Check.equal("msg-0", text(first.getBody()), "first body");
      Check.equal(n - 1, first.getMessageCount(), "basic.get-ok message-count (messages left)");
      Check.that(!first.getEnvelope().isRedeliver(), "a first delivery is not marked redelivered");
      AMQP.BasicProperties p = first.getProps();
      Check.equal(2, p.getDeliveryMode(), "delivery-mode (persistent)");
      Check.equal("text/plain", p.getContentType(), "content-type");
      Check.equal("m-0", p.getMessageId(), "message-id");
      Check.equal("c-0", p.getCorrelationId(), "correlation-id");
      Check.equal(0, p.getHeaders().get("seq"), "header seq (an AMQP int)");
      Check.equal("java", str(p.getHeaders().get("source")), "header source");
      ch.basicAck(first.getEnvelope().getDeliveryTag(), false);

      try (Channel cc = conn.createChannel()) {
        int prefetch = 3;
        cc.basicQos(prefetch);
        ConcurrentLinkedQueue<Long> unacked = new ConcurrentLinkedQueue<>();
        List<String> bodies = new CopyOnWriteArrayList<>();
        AtomicInteger acked = new AtomicInteger();
        AtomicInteger maxOutstanding = new AtomicInteger();
        String tag = cc.basicConsume(q, false, (consumerTag, d) -> {
          bodies.add(text(d.getBody()));
          // Acks are counted before they are sent, so this never overcounts what the broker may have out.
          maxOutstanding.accumulateAndGet(bodies.size() - acked.get(), Math::max);
          unacked.add(d.getEnvelope().getDeliveryTag());
        }, consumerTag -> {});
        Check.eventually(WAIT, prefetch + " deliveries before any ack", () -> bodies.size() == prefetch, bodies::toString);
        while (acked.get() < n - 1) {
          Check.eventually(WAIT, "a delivery to ack (" + acked.get() + " acked)", () -> !unacked.isEmpty(), bodies::toString);
          long deliveryTag = unacked.poll();
          acked.incrementAndGet();
          cc.basicAck(deliveryTag, false);
        }
        Check.that(maxOutstanding.get() <= prefetch, "unacknowledged deliveries never exceed the prefetch of " + prefetch + " (saw " + maxOutstanding.get() + ")");
        List<String> expected = new ArrayList<>();
        for (int i = 1; i < n; i++) expected.add("msg-" + i);
        Check.equal(expected, bodies, "bodies delivered to the consumer, in order");
        cc.basicCancel(tag);
      }
      Check.equal(0, ch.queueDeclarePassive(q).getMessageCount(), "the queue is empty once every message is acked");
      Check.that(ch.basicGet(q, true) == null, "basic.get on the drained queue is empty");
      ch.queueDelete(q);
    }
  }

  /** direct, topic and fanout exchanges (and an exchange-to-exchange binding) route each message to exactly the bound queues. */
  static void exchangeRouting(Context ctx) throws Exception {
    String direct = ctx.name("direct");
    String topic = ctx.name("topic");
    String fanout = ctx.name("fanout");
    try (Connection conn = connect(ctx, "conn"); Channel ch = conn.createChannel()) {
      ch.exchangeDeclare(direct, BuiltinExchangeType.DIRECT);
      ch.exchangeDeclare(topic, BuiltinExchangeType.TOPIC);
      ch.exchangeDeclare(fanout, BuiltinExchangeType.FANOUT);
      String[] queues = {"d-red", "d-red-green", "t-star", "t-hash", "t-tail", "f-1", "f-2"};
      for (String q : queues) ch.queueDeclare(ctx.name(q), false, false, false, null);
      ch.queueBind(ctx.name("d-red"), direct, "red");
      ch.queueBind(ctx.name("d-red-green"), direct, "red");
      ch.queueBind(ctx.name("d-red-green"), direct, "green");
      ch.queueBind(ctx.name("t-star"), topic, "stock.*.nyse");
      ch.queueBind(ctx.name("t-hash"), topic, "stock.#");
      ch.queueBind(ctx.name("t-tail"), topic, "#.error");
      ch.queueBind(ctx.name("f-1"), fanout, "ignored");
      ch.queueBind(ctx.name("f-2"), fanout, "");
      // The fanout exchange also receives what the direct exchange routes with "green".
      ch.exchangeBind(fanout, direct, "green");

      ch.confirmSelect();
      String[][] publishes = {
        {direct, "red", "r1"}, {direct, "green", "g1"}, {direct, "blue", "b1"},
        {topic, "stock.ibm.nyse", "t1"}, {topic, "stock.ibm.nasdaq", "t2"}, {topic, "stock", "t3"},
        {topic, "stock.a.b.nyse", "t4"}, {topic, "app.db.error", "t5"}, {topic, "stock.error", "t6"},
        {fanout, "anything", "f1"},
      };
      for (String[] p : publishes) ch.basicPublish(p[0], p[1], null, utf8(p[2]));
      ch.waitForConfirmsOrDie(CONFIRM_TIMEOUT_MS);

      Map<String, List<String>> expected = Map.of(
          "d-red", List.of("r1"),
          "d-red-green", List.of("r1", "g1"),
          "t-star", List.of("t1"),
          "t-hash", List.of("t1", "t2", "t3", "t4", "t6"),
          "t-tail", List.of("t5", "t6"),
          "f-1", List.of("g1", "f1"),
          "f-2", List.of("g1", "f1"));
      for (String q : queues) Check.equal(expected.get(q), drain(ch, ctx.name(q)), "messages routed to queue " + q);

      ch.queueUnbind(ctx.name("d-red"), direct, "red");
      ch.basicPublish(direct, "red", null, utf8("r2"));
      ch.waitForConfirmsOrDie(CONFIRM_TIMEOUT_MS);
      Check.equal(List.of(), drain(ch, ctx.name("d-red")), "an unbound queue receives nothing");
      Check.equal(List.of("r2"), drain(ch, ctx.name("d-red-green")), "the still-bound queue receives r2");

      for (String q : queues) ch.queueDelete(ctx.name(q));
      for (String x : new String[] {direct, topic, fanout}) ch.exchangeDelete(x);
    }
  }

  /**
   * basic.reject and basic.nack (single and multiple) with requeue give the messages back marked redelivered; without
   * requeue they go to the queue's dead-letter exchange, arriving with RabbitMQ's x-death and x-first-death-* headers.
   */
  @SuppressWarnings("unchecked")
  static void rejectNackDeadLetter(Context ctx) throws Exception {
    String work = ctx.name("work");
    String dlx = ctx.name("dlx");
    String dead = ctx.name("dead");
    try (Connection conn = connect(ctx, "conn"); Channel ch = conn.createChannel()) {
      ch.exchangeDeclare(dlx, BuiltinExchangeType.DIRECT);
      ch.queueDeclare(dead, false, false, false, null);
      // No x-dead-letter-routing-key: dead letters keep their original routing key (the work queue's name).
      ch.queueBind(dead, dlx, work);
      ch.queueDeclare(work, true, false, false, Map.of("x-dead-letter-exchange", dlx));
      ch.confirmSelect();
      for (int i = 1; i <= 4; i++) ch.basicPublish("", work, MessageProperties.PERSISTENT_BASIC, utf8("m" + i));
      ch.waitForConfirmsOrDie(CONFIRM_TIMEOUT_MS);

      GetResponse m1 = get(ch, work, "m1");
      Check.equal("m1", text(m1.getBody()), "first get");
      Check.that(!m1.getEnvelope().isRedeliver(), "m1 is not redelivered on its first delivery");
      ch.basicReject(m1.getEnvelope().getDeliveryTag(), true);
      GetResponse m1again = get(ch, work, "m1 after reject with requeue");
      Check.equal("m1", text(m1again.getBody()), "a message rejected with requeue comes back first");
      Check.that(m1again.getEnvelope().isRedeliver(), "a requeued message is marked redelivered");
      ch.basicNack(m1again.getEnvelope().getDeliveryTag(), false, false);

      GetResponse m2 = get(ch, work, "m2");
      GetResponse m3 = get(ch, work, "m3");
      Check.equal(List.of("m2", "m3"), List.of(text(m2.getBody()), text(m3.getBody())), "the next two gets");
      ch.basicNack(m3.getEnvelope().getDeliveryTag(), true, true);
      GetResponse m2again = get(ch, work, "m2 after nack multiple with requeue");
      GetResponse m3again = get(ch, work, "m3 after nack multiple with requeue");
      Check.equal(List.of("m2", "m3"), List.of(text(m2again.getBody()), text(m3again.getBody())), "nack multiple requeues both, in order");
      Check.that(m2again.getEnvelope().isRedeliver() && m3again.getEnvelope().isRedeliver(), "both are marked redelivered");
      ch.basicReject(m2again.getEnvelope().getDeliveryTag(), false);
      ch.basicAck(m3again.getEnvelope().getDeliveryTag(), false);
      GetResponse m4 = get(ch, work, "m4");
      Check.equal("m4", text(m4.getBody()), "last get");
      ch.basicAck(m4.getEnvelope().getDeliveryTag(), false);
      Check.that(ch.basicGet(work, false) == null, "the work queue is empty");

      // Dead-lettering happens after the reject/nack returns; wait for both to arrive.
      AtomicReference<String> seen = new AtomicReference<>("");
      Check.eventually(WAIT, "2 dead letters", () -> {
        try {
          long count = ch.queueDeclarePassive(dead).getMessageCount();
          seen.set(count + " messages");
          return count == 2;
        } catch (Exception e) {
          throw new ScenarioFailure("passive declare of the dead-letter queue failed", e);
        }
      }, seen::get);
      for (String body : List.of("m1", "m2")) {
        GetResponse d = get(ch, dead, "dead letter " + body);
        Check.equal(body, text(d.getBody()), "dead letters in the order they were rejected");
        Check.equal(work, d.getEnvelope().getRoutingKey(), "a dead letter keeps its routing key");
        Check.equal(dlx, d.getEnvelope().getExchange(), "a dead letter arrives through the dead-letter exchange");
        Check.equal(2, d.getProps().getDeliveryMode(), "a dead letter stays persistent");
        Map<String, Object> headers = d.getProps().getHeaders();
        Check.that(headers != null && headers.get("x-death") instanceof List, "x-death is an array: " + headers);
        List<Object> deaths = (List<Object>) headers.get("x-death");
        Check.equal(1, deaths.size(), "one x-death entry (one queue, one reason)");
        Map<String, Object> death = (Map<String, Object>) deaths.get(0);
        Check.equal(work, str(death.get("queue")), "x-death queue");
        Check.equal("rejected", str(death.get("reason")), "x-death reason");
        Check.equal(1L, death.get("count"), "x-death count (an AMQP long)");
        Check.equal("", str(death.get("exchange")), "x-death exchange (published to the default exchange)");
        Check.that(death.get("time") instanceof java.util.Date, "x-death time is a timestamp: " + death.get("time"));
        Object keys = death.get("routing-keys");
        Check.that(keys instanceof List && ((List<Object>) keys).size() == 1 && work.equals(str(((List<Object>) keys).get(0))),
            "x-death routing-keys is [" + work + "]: " + keys);
        Check.equal(work, str(headers.get("x-first-death-queue")), "x-first-death-queue");
        Check.equal("rejected", str(headers.get("x-first-death-reason")), "x-first-death-reason");
        Check.equal("", str(headers.get("x-first-death-exchange")), "x-first-death-exchange");
        ch.basicAck(d.getEnvelope().getDeliveryTag(), false);
      }
      ch.queueDelete(work);
      ch.queueDelete(dead);
      ch.exchangeDelete(dlx);
    }
  }

  /**
   * A mandatory publish with no matching binding comes back through the ReturnListener as basic.return 312 NO_ROUTE
   * with its body and properties, before its confirm (as RabbitMQ orders them); a routable one does not come back,
   * and a non-mandatory unroutable one is dropped silently.
   */
  static void mandatoryReturn(Context ctx) throws Exception {
    String x = ctx.name("direct");
    String q = ctx.name("bound");
    try (Connection conn = connect(ctx, "conn"); Channel ch = conn.createChannel()) {
      ch.exchangeDeclare(x, BuiltinExchangeType.DIRECT);
      ch.queueDeclare(q, false, false, false, null);
      ch.queueBind(q, x, "here");
      List<Return> returns = Collections.synchronizedList(new ArrayList<>());
      ch.addReturnListener(returns::add);
      ch.confirmSelect();

      AMQP.BasicProperties props = new AMQP.BasicProperties.Builder().messageId("lost-1").headers(Map.of("k", "v")).build();
      ch.basicPublish(x, "nowhere", true, props, utf8("unroutable"));
      ch.basicPublish(x, "nowhere", false, null, utf8("dropped"));
      ch.basicPublish(x, "here", true, null, utf8("routed"));
      ch.waitForConfirmsOrDie(CONFIRM_TIMEOUT_MS);

      // basic.return precedes the basic.ack of the same message, and the client handles both on one thread in order.
      Check.equal(1, returns.size(), "returns received once the publishes are confirmed");
      Return r = returns.get(0);
      Check.equal(312, r.getReplyCode(), "basic.return reply-code (NO_ROUTE)");
      Check.equal("NO_ROUTE", r.getReplyText(), "basic.return reply-text");
      Check.equal(x, r.getExchange(), "basic.return exchange");
      Check.equal("nowhere", r.getRoutingKey(), "basic.return routing-key");
      Check.equal("unroutable", text(r.getBody()), "basic.return body");
      Check.equal("lost-1", r.getProperties().getMessageId(), "basic.return properties message-id");
      Check.equal("v", str(r.getProperties().getHeaders().get("k")), "basic.return properties header");
      Check.equal(List.of("routed"), drain(ch, q), "only the routable message reached the queue");

      // Mandatory to the default exchange with a missing queue name is unroutable too.
      ch.basicPublish("", ctx.name("no-such-queue"), true, null, utf8("nobody"));
      ch.waitForConfirmsOrDie(CONFIRM_TIMEOUT_MS);
      Check.equal(2, returns.size(), "a mandatory publish to a missing queue through the default exchange is returned");
      Check.equal(312, returns.get(1).getReplyCode(), "second basic.return reply-code");
      ch.queueDelete(q);
      ch.exchangeDelete(x);
    }
  }

  /** The channel-close a failed call raised: the client wraps it in an IOException caused by ShutdownSignalException. */
  static AMQP.Channel.Close channelClose(Check.ThrowingRunnable call, String what) {
    ShutdownSignalException e = Check.throwsA(ShutdownSignalException.class, call, what);
    Check.that(!e.isHardError(), what + ": a channel error, not a connection error: " + e);
    Check.that(e.getReason() instanceof AMQP.Channel.Close, what + ": the reason is channel.close: " + e.getReason());
    return (AMQP.Channel.Close) e.getReason();
  }

  /**
   * Channel errors close the channel, not the connection: redeclaring a queue with other arguments is 406
   * PRECONDITION_FAILED; a passive declare of a missing queue is 404 NOT_FOUND; publishing to a missing exchange
   * closes the channel with 404 asynchronously; acking an unknown delivery tag is 406. After each, the same
   * connection opens a new channel and works.
   */
  static void channelErrors(Context ctx) throws Exception {
    String q = ctx.name("ttl");
    try (Connection conn = connect(ctx, "conn")) {
      Channel ch = conn.createChannel();
      ch.queueDeclare(q, true, false, false, Map.of("x-message-ttl", 60_000));

      AMQP.Channel.Close close = channelClose(
          () -> ch.queueDeclare(q, true, false, false, Map.of("x-message-ttl", 30_000)), "redeclare with another x-message-ttl");
      Check.equal(406, close.getReplyCode(), "reply-code of an inequivalent redeclare");
      Check.that(close.getReplyText().startsWith("PRECONDITION_FAILED") && close.getReplyText().contains("x-message-ttl"),
          "reply-text names the inequivalent argument: " + close.getReplyText());
      Check.that(!ch.isOpen(), "the channel is closed after the error");
      Check.that(conn.isOpen(), "the connection stays open after a channel error");

      Channel ch2 = conn.createChannel();
      Check.equal(0, ch2.queueDeclarePassive(q).getMessageCount(), "the queue kept its first declaration and is empty");
      ch2.queueDeclare(q, true, false, false, Map.of("x-message-ttl", 60_000));
      close = channelClose(() -> ch2.queueDeclare(q, false, false, false, Map.of("x-message-ttl", 60_000)), "redeclare as non-durable");
      Check.equal(406, close.getReplyCode(), "reply-code of a redeclare with another durable flag");

      Channel ch3 = conn.createChannel();
      close = channelClose(() -> ch3.queueDeclarePassive(ctx.name("missing")), "passive declare of a missing queue");
      Check.equal(404, close.getReplyCode(), "reply-code of a passive declare of a missing queue");
      Check.that(close.getReplyText().startsWith("NOT_FOUND"), "reply-text: " + close.getReplyText());

      // basic.publish has no reply: the 404 arrives as an asynchronous channel.close, seen by the next synchronous call.
      Channel ch4 = conn.createChannel();
      ch4.basicPublish(ctx.name("missing-exchange"), "k", null, utf8("x"));
      close = channelClose(() -> ch4.queueDeclarePassive(q), "the call after publishing to a missing exchange");
      Check.equal(404, close.getReplyCode(), "reply-code of a publish to a missing exchange");
      Check.that(!ch4.isOpen(), "the channel that published to a missing exchange is closed");

      Channel ch5 = conn.createChannel();
      ch5.basicAck(12345, false);
      close = channelClose(() -> ch5.queueDeclarePassive(q), "the call after acking an unknown delivery tag");
      Check.equal(406, close.getReplyCode(), "reply-code of an ack of an unknown delivery tag");

      Check.that(conn.isOpen(), "the connection survived every channel error");
      try (Channel ok = conn.createChannel()) {
        ok.confirmSelect();
        ok.basicPublish("", q, null, utf8("still-works"));
        ok.waitForConfirmsOrDie(CONFIRM_TIMEOUT_MS);
        Check.equal(List.of("still-works"), drain(ok, q), "publish and get on a new channel of the same connection");
        ok.queueDelete(q);
      }
    }
  }
}
