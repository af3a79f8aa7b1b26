package dev.brook.interop.scenarios;

import static dev.brook.interop.support.SecuredBroker.with;

import dev.brook.interop.Check;
import dev.brook.interop.Context;
import dev.brook.interop.Scenarios.Registry;
import dev.brook.interop.support.Records;
import dev.brook.interop.support.SecuredBroker;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.clients.admin.ScramCredentialInfo;
import org.apache.kafka.clients.admin.ScramMechanism;
import org.apache.kafka.clients.admin.UserScramCredentialDeletion;
import org.apache.kafka.clients.admin.UserScramCredentialUpsertion;
import org.apache.kafka.clients.admin.UserScramCredentialsDescription;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.acl.AccessControlEntry;
import org.apache.kafka.common.acl.AccessControlEntryFilter;
import org.apache.kafka.common.acl.AclBinding;
import org.apache.kafka.common.acl.AclBindingFilter;
import org.apache.kafka.common.acl.AclOperation;
import org.apache.kafka.common.acl.AclPermissionType;
import org.apache.kafka.common.errors.GroupAuthorizationException;
import org.apache.kafka.common.errors.SaslAuthenticationException;
import org.apache.kafka.common.errors.SslAuthenticationException;
import org.apache.kafka.common.errors.TopicAuthorizationException;
import org.apache.kafka.common.resource.PatternType;
import org.apache.kafka.common.resource.ResourcePattern;
import org.apache.kafka.common.resource.ResourcePatternFilter;
import org.apache.kafka.common.resource.ResourceType;

/**
 * Security with unmodified kafka-clients against a secured broker (SecuredBroker describes it): SASL_SSL with
 * SCRAM-SHA-512 and PLAIN, wrong passwords, mutual TLS, ACL refusals for a topic and a group, and the Admin client
 * making a SCRAM user and its ACLs. ACLs and SCRAM credentials reach Kafka's authorizer through its metadata log a
 * moment after the Admin call returns; the scenarios wait for DescribeAcls to show them (served by the same
 * authorizer) and retry a new user's first login, rather than sleeping.
 */
public final class SecurityScenarios {
  private SecurityScenarios() {}

  private static final Duration SETTLE = Duration.ofSeconds(30);

  public static void register(Registry r) {
    r.add("security.sasl-ssl-scram-sha-512", c -> saslSslRoundTrip(c, "SCRAM-SHA-512"));
    r.add("security.sasl-ssl-plain", c -> saslSslRoundTrip(c, "PLAIN"));
    r.add("security.wrong-password", SecurityScenarios::wrongPassword);
    r.add("security.mtls", SecurityScenarios::mutualTls);
    r.add("security.acl-denied", SecurityScenarios::aclDenied);
    r.add("security.admin-acl-scram-user", SecurityScenarios::adminMakesUser);
  }

  /** The super user over SASL_SSL with the mechanism: creates a topic, produces, consumes in a group, commits. */
  static void saslSslRoundTrip(Context ctx, String mechanism) throws Exception {
    SecuredBroker sb = SecuredBroker.fromEnv();
    Map<String, Object> client = sb.saslSsl(mechanism, sb.superUser, sb.superPassword);
    String topic = ctx.name("topic");
    try (Admin admin = SecuredBroker.admin(client)) {
      admin.createTopics(List.of(new NewTopic(topic, 1, (short) 1))).all().get();
    }
    roundTrip(ctx, client, topic, ctx.name("group"), mechanism);
  }

  /** A wrong password, and an unknown user, for each mechanism: SaslAuthenticationException from Admin and producer. */
  static void wrongPassword(Context ctx) throws Exception {
    SecuredBroker sb = SecuredBroker.fromEnv();
    for (String mechanism : List.of("SCRAM-SHA-512", "PLAIN")) {
      for (String[] login : List.of(new String[] {sb.superUser, "not-the-password"}, new String[] {ctx.name("nobody"), "whatever"})) {
        Map<String, Object> client = sb.saslSsl(mechanism, login[0], login[1]);
        try (Admin admin = SecuredBroker.admin(client)) {
          Check.failsWith(SaslAuthenticationException.class, admin.describeCluster().clusterId(), mechanism + " Admin as " + login[0] + " with a wrong password");
        }
      }
      Map<String, Object> producerConfig = with(sb.saslSsl(mechanism, sb.superUser, "not-the-password"), Map.of(ProducerConfig.MAX_BLOCK_MS_CONFIG, 20_000));
      try (KafkaProducer<String, String> producer = ctx.producer(producerConfig)) {
        Check.throwsA(SaslAuthenticationException.class, () -> producer.send(new ProducerRecord<>(ctx.name("never"), "v")).get(), mechanism + " producer with a wrong password");
      }
    }
  }

  /**
   * SSL with ssl.client.auth=required: the client certificate is the principal (mapped by
   * ssl.principal.mapping.rules), which gets ACLs from the super user and then produces and consumes; a client
   * without a certificate is refused in the TLS handshake (SslAuthenticationException).
   */
  static void mutualTls(Context ctx) throws Exception {
    SecuredBroker sb = SecuredBroker.fromEnv();
    String topic = ctx.name("topic");
    String group = ctx.name("group");
    try (Admin admin = SecuredBroker.admin(sb.superUser())) {
      admin.createTopics(List.of(new NewTopic(topic, 1, (short) 1))).all().get();
      grant(admin, sb.tlsPrincipal, topic, group);
    }
    roundTrip(ctx, sb.mtls(true), topic, group, "mtls");
    try (Admin anonymous = SecuredBroker.admin(sb.mtls(false))) {
      Check.failsWith(SslAuthenticationException.class, anonymous.describeCluster().clusterId(), "SSL without a client certificate");
    }
  }

  /**
   * A user with WRITE and READ on one topic and READ on one group: works there; producing to another topic fails
   * with TopicAuthorizationException, consuming in another group with GroupAuthorizationException,
   * reading a topic without READ with TopicAuthorizationException.
   */
  static void aclDenied(Context ctx) throws Exception {
    SecuredBroker sb = SecuredBroker.fromEnv();
    String allowed = ctx.name("allowed");
    String denied = ctx.name("denied");
    String group = ctx.name("group");
    try (Admin admin = SecuredBroker.admin(sb.superUser())) {
      admin.createTopics(List.of(new NewTopic(allowed, 1, (short) 1), new NewTopic(denied, 1, (short) 1))).all().get();
      grant(admin, "User:" + sb.plainUser, allowed, group);
    }
    Map<String, Object> user = sb.saslSsl("SCRAM-SHA-512", sb.plainUser, sb.plainPassword);
    roundTrip(ctx, user, allowed, group, "allowed");

    try (KafkaProducer<String, String> producer = ctx.producer(with(user, Map.of(ProducerConfig.MAX_BLOCK_MS_CONFIG, 20_000)))) {
      TopicAuthorizationException e = Check.throwsA(TopicAuthorizationException.class,
          () -> producer.send(new ProducerRecord<>(denied, "v")).get(), "producing to a topic without WRITE");
      Check.that(e.unauthorizedTopics().contains(denied), "the exception names the topic: " + e.unauthorizedTopics());
    }
    try (KafkaConsumer<String, String> consumer = ctx.consumer(with(user, Map.of(ConsumerConfig.GROUP_ID_CONFIG, ctx.name("other-group"))))) {
      consumer.subscribe(List.of(allowed));
      GroupAuthorizationException e = Check.throwsA(GroupAuthorizationException.class,
          () -> pollUntilThrown(consumer), "consuming in a group without READ");
      Check.equal(ctx.name("other-group"), e.groupId(), "the refused group");
    }
    try (KafkaConsumer<String, String> consumer = ctx.consumer(user)) {
      consumer.assign(List.of(new TopicPartition(denied, 0)));
      TopicAuthorizationException e = Check.throwsA(TopicAuthorizationException.class,
          () -> pollUntilThrown(consumer), "reading a topic without READ");
      Check.that(e.unauthorizedTopics().contains(denied), "the exception names the topic: " + e.unauthorizedTopics());
    }
  }

  /**
   * The super user's Admin makes a SCRAM-SHA-512 user (AlterUserScramCredentials, KIP-554) and its ACLs; the user
   * logs in and produces and consumes; DescribeUserScramCredentials shows the mechanism and iterations; after the
   * credential is deleted the same login is refused.
   */
  static void adminMakesUser(Context ctx) throws Exception {
    SecuredBroker sb = SecuredBroker.fromEnv();
    String user = ctx.name("user");
    String password = "pw-" + user;
    String topic = ctx.name("topic");
    String group = ctx.name("group");
    try (Admin admin = SecuredBroker.admin(sb.superUser())) {
      admin.alterUserScramCredentials(List.of(new UserScramCredentialUpsertion(user, new ScramCredentialInfo(ScramMechanism.SCRAM_SHA_512, 8192), password))).all().get();
      UserScramCredentialsDescription d = admin.describeUserScramCredentials(List.of(user)).description(user).get();
      Check.equal(List.of(new ScramCredentialInfo(ScramMechanism.SCRAM_SHA_512, 8192)), d.credentialInfos(), "the described credential");
      admin.createTopics(List.of(new NewTopic(topic, 1, (short) 1))).all().get();
      grant(admin, "User:" + user, topic, group);

      Map<String, Object> client = sb.saslSsl("SCRAM-SHA-512", user, password);
      awaitLogin(client, true, "the new user's first login");
      roundTrip(ctx, client, topic, group, "new-user");

      admin.alterUserScramCredentials(List.of(new UserScramCredentialDeletion(user, ScramMechanism.SCRAM_SHA_512))).all().get();
      awaitLogin(client, false, "the deleted user's login to be refused");
    }
  }

  /** WRITE and READ on the topic and READ on the group for the principal; returns once DescribeAcls shows all three. */
  private static void grant(Admin admin, String principal, String topic, String group) throws Exception {
    List<AclBinding> acls = List.of(
        acl(ResourceType.TOPIC, topic, principal, AclOperation.WRITE),
        acl(ResourceType.TOPIC, topic, principal, AclOperation.READ),
        acl(ResourceType.GROUP, group, principal, AclOperation.READ));
    admin.createAcls(acls).all().get();
    AclBindingFilter mine = new AclBindingFilter(ResourcePatternFilter.ANY,
        new AccessControlEntryFilter(principal, null, AclOperation.ANY, AclPermissionType.ANY));
    List<AclBinding> seen = new ArrayList<>();
    Check.eventually(SETTLE, "the ACLs of " + principal + " to be in force", () -> {
      try {
        seen.clear();
        seen.addAll(admin.describeAcls(mine).values().get());
        return seen.containsAll(acls);
      } catch (Exception e) {
        throw new IllegalStateException(e);
      }
    }, seen::toString);
  }

  private static AclBinding acl(ResourceType type, String name, String principal, AclOperation op) {
    return new AclBinding(new ResourcePattern(type, name, PatternType.LITERAL), new AccessControlEntry(principal, "*", op, AclPermissionType.ALLOW));
  }

  /** Logs in (DescribeCluster) until the login succeeds (`accepted`) or is refused, each try on a new connection. */
  private static void awaitLogin(Map<String, Object> client, boolean accepted, String what) {
    List<String> last = new ArrayList<>(List.of("no attempt"));
    Check.eventually(SETTLE, what, () -> {
      try (Admin admin = SecuredBroker.admin(client)) {
        admin.describeCluster().clusterId().get();
        last.set(0, "accepted");
        return accepted;
      } catch (Exception e) {
        Throwable cause = e.getCause() != null ? e.getCause() : e;
        if (!(cause instanceof SaslAuthenticationException)) throw new IllegalStateException("unexpected " + cause, cause);
        last.set(0, "refused: " + cause.getMessage());
        return !accepted;
      }
    }, () -> last.get(0));
  }

  /** Three records produced (acks=all) and read back in a group that then commits. */
  private static void roundTrip(Context ctx, Map<String, Object> client, String topic, String group, String tag) throws Exception {
    List<String> sent = List.of(tag + "-0", tag + "-1", tag + "-2");
    try (KafkaProducer<String, String> producer = ctx.producer(with(client, Map.of(ProducerConfig.ACKS_CONFIG, "all")))) {
      for (String v : sent) producer.send(new ProducerRecord<>(topic, 0, "k", v)).get();
    }
    try (KafkaConsumer<String, String> consumer = ctx.consumer(with(client, Map.of(ConsumerConfig.GROUP_ID_CONFIG, group)))) {
      consumer.subscribe(List.of(topic));
      Check.equal(sent, Records.values(Records.readAtLeast(consumer, sent.size(), Duration.ofSeconds(60))), tag + ": the records read back");
      consumer.commitSync();
    }
  }

  /** Polls until poll throws (the refusals come from the coordinator lookup or the fetch, a few polls in). */
  private static void pollUntilThrown(KafkaConsumer<String, String> consumer) {
    long deadline = System.nanoTime() + SETTLE.toNanos();
    while (System.nanoTime() < deadline) consumer.poll(Duration.ofMillis(200));
  }
}
