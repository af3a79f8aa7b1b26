// MQTT publish and subscribe checked against the broker's ACLs (docs/security.md, "AMQP and MQTT"),
// on the Kafka topics the MQTT topics map to (topic-mapping.ts), so one ACL governs a topic whether
// it is reached over Kafka or MQTT:
//   PUBLISH to T                WRITE on the Kafka topic T maps to
//   SUBSCRIBE to F ($share/g/F) READ on every Kafka topic a subscription to F may receive from
//   each delivery              READ on the Kafka topic the message was read from, for the session's
//                              principal (read-authorization.ts: decided again after any ACL change)
// The principal is User:<name> of CONNECT's user name, User:ANONYMOUS without one. A refused publish
// is answered as Mosquitto answers it (inbound-publish.ts: 0x87 in a 5.0 PUBACK/PUBREC, a 3.1.1 publish
// acknowledged and dropped); a refused subscription in its SUBACK (mqtt-connection.ts: 0x87 on 5.0,
// 0x80 on 3.1.1), where Mosquitto's acl_file would grant it and deliver nothing. Denials are audited.
import { filtersOverlap } from '../../mqtt/index.js';
import { AclOperation } from '../topics/authorized-operations.js';
import type { SharedUsers } from './auth.js';
import type { ReadCheck } from './read-authorization.js';
import type { TopicMapping } from './topic-mapping.js';

export const ANONYMOUS_PRINCIPAL = 'User:ANONYMOUS';

export class MqttAcl implements ReadCheck {
  constructor(
    private readonly users: SharedUsers | null,
    private readonly mapping: TopicMapping,
  ) {}

  get enforcing(): boolean {
    return this.users?.authorize !== undefined;
  }

  generation(): number {
    return this.users?.aclGeneration?.() ?? 0;
  }

  /** Whether `principal` may read the Kafka topic a message came from (the check at delivery). */
  mayRead(principal: string, remoteAddress: string, kafkaTopic: string): boolean {
    const authorize = this.users?.authorize;
    return !authorize || authorize({ principal, host: hostOf(remoteAddress), operation: AclOperation.READ, resource: 'topic', name: kafkaTopic }, 'mqtt');
  }

  kafkaTopicFor(mqttTopic: string): string | null {
    return this.mapping.kafkaTopicFor(mqttTopic);
  }

  /** Whether `principal` may publish on the MQTT topic (true when the topic maps nowhere: refused elsewhere). */
  mayPublish(principal: string, remoteAddress: string, mqttTopic: string): boolean {
    const authorize = this.users?.authorize;
    if (!authorize) return true;
    const topic = this.mapping.kafkaTopicFor(mqttTopic);
    return topic === null || authorize({ principal, host: hostOf(remoteAddress), operation: AclOperation.WRITE, resource: 'topic', name: topic }, 'mqtt');
  }

  /** Whether `principal` may subscribe to the topic filter (without its `$share/<group>/` part). */
  maySubscribe(principal: string, remoteAddress: string, topicFilter: string): boolean {
    const authorize = this.users?.authorize;
    if (!authorize) return true;
    const host = hostOf(remoteAddress);
    // The default topic only when some topic the filter matches can escape every rule.
    const { rules, defaultTopic } = this.mapping;
    const covered = rules.some((r) => filterCovers(r.filter, topicFilter));
    const viaRule = (t: string): boolean => rules.some((r) => r.topic === t && filtersOverlap(r.filter, topicFilter));
    const topics = this.mapping.topicsFor(topicFilter).filter((t) => !(covered && t === defaultTopic && !viaRule(t)));
    return topics.every((name) => authorize({ principal, host, operation: AclOperation.READ, resource: 'topic', name }, 'mqtt'));
  }
}

/** "ip:port" (or "[v6]:port") -> the ip, as ACL host entries name it. */
function hostOf(remoteAddress: string): string {
  const colon = remoteAddress.lastIndexOf(':');
  return (colon > 0 ? remoteAddress.slice(0, colon) : remoteAddress).replace(/^\[|\]$/g, '');
}

/** Whether every topic name `filter` matches is matched by `rule` too (both MQTT topic filters). */
export function filterCovers(rule: string, filter: string): boolean {
  const r = rule.split('/');
  const f = filter.split('/');
  for (let i = 0; i < r.length; i++) {
    if (r[i] === '#') return true;
    if (i >= f.length || f[i] === '#') return false;
    if (r[i] !== '+' && (r[i] !== f[i] || f[i] === '+')) return false;
  }
  return r.length === f.length;
}

