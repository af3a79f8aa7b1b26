package dev.brook.interop.support;

import dev.brook.interop.ScenarioFailure;
import java.util.HashMap;
import java.util.Map;
import org.apache.kafka.clients.CommonClientConfigs;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.common.config.SaslConfigs;
import org.apache.kafka.common.config.SslConfigs;

/**
 * The secured broker the security.* scenarios run against, as test/interop/java-security.test.ts describes it in
 * the environment: a SASL_SSL listener (PLAIN and SCRAM-SHA-512), an SSL listener that requires a client certificate,
 * the CA both listeners' certificates chain to, a client certificate (key and chain in one PEM file, Kafka's PEM
 * keystore layout) and the principal the broker maps it to, a super user and a user without any ACL.
 * Client settings are the documented kafka-clients configs only: PEM truststores and keystores (KIP-651), JAAS
 * lines for PLAIN and SCRAM.
 */
public final class SecuredBroker {
  public final String saslSslBootstrap;
  public final String mtlsBootstrap;
  public final String caFile;
  public final String clientKeystore;
  /** The principal the client certificate maps to (after ssl.principal.mapping.rules), e.g. User:interop-tls. */
  public final String tlsPrincipal;
  public final String superUser;
  public final String superPassword;
  /** A user with a password and no ACL at all. */
  public final String plainUser;
  public final String plainPassword;

  private SecuredBroker(Map<String, String> env) {
    saslSslBootstrap = need(env, "BROOK_INTEROP_SASL_SSL");
    mtlsBootstrap = need(env, "BROOK_INTEROP_MTLS");
    caFile = need(env, "BROOK_INTEROP_TLS_CA");
    clientKeystore = need(env, "BROOK_INTEROP_TLS_KEYSTORE");
    tlsPrincipal = need(env, "BROOK_INTEROP_TLS_PRINCIPAL");
    superUser = need(env, "BROOK_INTEROP_SUPER_USER");
    superPassword = need(env, "BROOK_INTEROP_SUPER_PASSWORD");
    plainUser = need(env, "BROOK_INTEROP_USER");
    plainPassword = need(env, "BROOK_INTEROP_USER_PASSWORD");
  }

  public static SecuredBroker fromEnv() {
    return new SecuredBroker(System.getenv());
  }

  private static String need(Map<String, String> env, String name) {
    String v = env.get(name);
    if (v == null || v.isEmpty()) throw new ScenarioFailure(name + " is not set (the security.* scenarios need a secured broker: test/interop/java-security.test.ts)");
    return v;
  }

  /** SASL_SSL as `user` with `mechanism` (PLAIN or SCRAM-SHA-512), trusting the test CA. */
  public Map<String, Object> saslSsl(String mechanism, String user, String password) {
    String module = mechanism.equals("PLAIN") ? "org.apache.kafka.common.security.plain.PlainLoginModule" : "org.apache.kafka.common.security.scram.ScramLoginModule";
    Map<String, Object> p = trustingCa();
    p.put(CommonClientConfigs.BOOTSTRAP_SERVERS_CONFIG, saslSslBootstrap);
    p.put(CommonClientConfigs.SECURITY_PROTOCOL_CONFIG, "SASL_SSL");
    p.put(SaslConfigs.SASL_MECHANISM, mechanism);
    p.put(SaslConfigs.SASL_JAAS_CONFIG, module + " required username=\"" + user + "\" password=\"" + password + "\";");
    return p;
  }

  /** The super user over SASL_SSL with SCRAM-SHA-512. */
  public Map<String, Object> superUser() {
    return saslSsl("SCRAM-SHA-512", superUser, superPassword);
  }

  /** SSL to the listener that requires a client certificate: with the test client's certificate, or with none. */
  public Map<String, Object> mtls(boolean withCertificate) {
    Map<String, Object> p = trustingCa();
    p.put(CommonClientConfigs.BOOTSTRAP_SERVERS_CONFIG, mtlsBootstrap);
    p.put(CommonClientConfigs.SECURITY_PROTOCOL_CONFIG, "SSL");
    if (withCertificate) {
      p.put(SslConfigs.SSL_KEYSTORE_TYPE_CONFIG, "PEM");
      p.put(SslConfigs.SSL_KEYSTORE_LOCATION_CONFIG, clientKeystore);
    }
    return p;
  }

  private Map<String, Object> trustingCa() {
    Map<String, Object> p = new HashMap<>();
    p.put(SslConfigs.SSL_TRUSTSTORE_TYPE_CONFIG, "PEM");
    p.put(SslConfigs.SSL_TRUSTSTORE_LOCATION_CONFIG, caFile);
    return p;
  }

  /** An Admin with these client settings (the caller closes it). */
  public static Admin admin(Map<String, Object> settings) {
    Map<String, Object> p = new HashMap<>(settings);
    p.put(AdminClientConfig.DEFAULT_API_TIMEOUT_MS_CONFIG, 30_000);
    p.put(AdminClientConfig.REQUEST_TIMEOUT_MS_CONFIG, 20_000);
    return Admin.create(p);
  }

  /** `base` with `extra` on top (Map.of is immutable and the client factories take one map). */
  public static Map<String, Object> with(Map<String, Object> base, Map<String, Object> extra) {
    Map<String, Object> p = new HashMap<>(base);
    p.putAll(extra);
    return p;
  }
}
