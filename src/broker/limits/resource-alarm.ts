// The broker-wide resource alarm (RabbitMQ's memory and disk alarms): one small object that any
// part of the broker can raise and clear, and that every listener (the Kafka front door, the
// AMQP listener through AmqpServerDeps.alarm) subscribes to in order to shed load while it is set.
//
// What each front door does with it is its own mapping:
//   Kafka listener   Produce answers NOT_ENOUGH_REPLICAS (retriable, "not persisted", so producers
//                    back off and retry without losing data); reads, commits and heartbeats go on,
//                    because consumers are what drains memory (docs/limits.md).
//   AMQP listener    connection.blocked when raised, connection.unblocked when cleared (RabbitMQ's
//                    "blocked connection notifications" extension).
//
// Several resources may be in alarm at once; the alarm is "active" while any is.

/** A resource that can be in alarm: memory today, disk later. */
export type AlarmResource = 'memory' | 'disk';

export interface AlarmState {
  readonly active: boolean;
  /** Resources currently in alarm, with the sentence that raised each. */
  readonly resources: ReadonlyMap<AlarmResource, string>;
}

export type AlarmListener = (state: AlarmState) => void;

export class ResourceAlarm implements AlarmState {
  private readonly raised = new Map<AlarmResource, string>();
  private readonly listeners = new Set<AlarmListener>();

  get active(): boolean {
    return this.raised.size > 0;
  }

  get resources(): ReadonlyMap<AlarmResource, string> {
    return this.raised;
  }

  /** The sentence to give clients refused while the alarm is set ("" when it is not). */
  get reason(): string {
    return [...this.raised.values()].join('; ');
  }

  /** Sets the alarm for `resource` (a no-op when already set); listeners hear of the change. */
  raise(resource: AlarmResource, reason: string): void {
    const had = this.raised.has(resource);
    this.raised.set(resource, reason);
    if (!had) this.emit();
  }

  /** Clears the alarm for `resource` (a no-op when not set). */
  clear(resource: AlarmResource): void {
    if (this.raised.delete(resource)) this.emit();
  }

  /** Calls `listener` on every raise and clear; returns the unsubscribe. */
  subscribe(listener: AlarmListener): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }

  private emit(): void {
    for (const l of [...this.listeners]) l(this);
  }
}
