// Whether a session's subscriber may still read what its subscriptions match (docs/security.md, "AMQP
// and MQTT"). A subscription is authorised once, at SUBSCRIBE (mqtt-acl.ts maySubscribe); READ taken
// away afterwards must stop its deliveries, as mosquitto checks READ for every message it sends (and
// keeps the subscription: deliveries resume when the right comes back). Asking the authorizer per
// message would put an ACL evaluation on the delivery path, so decisions are kept per Kafka topic and
// forgotten whenever the broker's ACLs change (their generation moves) or another principal takes
// the session: a delivery costs one integer comparison and one map lookup. A denial is audited by
// the authorizer, so once per session, topic and ACL generation, not per message.

/** Who a session acts for: CONNECT's principal and the client's address (host-based ACLs). */
export interface ClientIdentity {
  principal: string;
  remoteAddress: string;
}

/** The ACL decisions the check needs (mqtt-acl.ts). */
export interface ReadCheck {
  /** False without an authorizer: every read is allowed and nothing is cached. */
  readonly enforcing: boolean;
  /** Moves on every ACL change. */
  generation(): number;
  /** READ on the Kafka topic (a denial is audited). */
  mayRead(principal: string, remoteAddress: string, kafkaTopic: string): boolean;
  /** The Kafka topic an MQTT topic lives in (for retained messages, which carry no log position). */
  kafkaTopicFor(mqttTopic: string): string | null;
}

export class ReadAuthorization {
  private generation = -1;
  /** Kafka topic -> allowed; bounded by the mapping's topics. */
  private readonly decided = new Map<string, boolean>();
  private who: ClientIdentity | null = null;

  constructor(private readonly check: ReadCheck) {}

  get subscriber(): ClientIdentity | null {
    return this.who;
  }

  /** A CONNECT (or a restored session record) names who the session reads as. */
  set subscriber(who: ClientIdentity | null) {
    this.who = who;
    this.decided.clear();
  }

  /**
   * Whether a message read from `kafkaTopic` (null: a retained message, found by its MQTT topic) may
   * go to the subscriber. A session with no known subscriber reads as nobody in particular: allowed
   * only without an authorizer.
   */
  allows(kafkaTopic: string | null, mqttTopic: string): boolean {
    const check = this.check;
    if (!check.enforcing) return true;
    const generation = check.generation();
    if (generation !== this.generation) {
      this.generation = generation;
      this.decided.clear();
    }
    const topic = kafkaTopic ?? check.kafkaTopicFor(mqttTopic);
    if (topic === null) return true;
    let allowed = this.decided.get(topic);
    if (allowed === undefined) {
      allowed = this.who !== null && check.mayRead(this.who.principal, this.who.remoteAddress, topic);
      this.decided.set(topic, allowed);
    }
    return allowed;
  }
}
