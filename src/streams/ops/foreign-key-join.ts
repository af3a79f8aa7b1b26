// Foreign-key table-table joins (KIP-213), built as Kafka Streams builds them. The left table L
// (key K, value V) holds a foreign key fk(V) = KO into the right table R (key KO, value VO).
//
//   L's task                                      R's task
//   SubscriptionSend: on each L change, send      SubscriptionReceive: keep (KO, K) -> subscription
//   (KO, subscription) to the subscription  --->  in the subscription store; answer with R(KO)
//   topic (partitioned by KO, like R)             according to the instruction
//                                                 ForeignTableJoin: on each R change, answer every
//   ResponseJoin: join the answer with L's  <---  subscriber of KO (prefix scan of the store)
//   current value, unless it is stale             through the response topic (back to K's partition)
//
// Staleness: each subscription carries a 128-bit hash of the L value it was sent for, and each
// response echoes it. The response is joined only if L's current value still hashes the same;
// otherwise a later change of K is in flight and its own response will settle the result. This
// is what makes the join correct under any interleaving of updates and deletes on both sides.
// The hash is MurmurHash3 128-bit (ops/value-hash.ts), as in Kafka.
//
// Instructions (Kafka's codes), decided by SubscriptionSend from the old and new value of K:
//   0 DELETE_KEY_AND_PROPAGATE            K deleted: drop the subscription; answer null
//   1 DELETE_KEY_NO_PROPAGATE             K moved to another KO: drop the old subscription silently
//   2 PROPAGATE_NULL_IF_NO_FK_VAL_AVAILABLE  subscribe; answer R(KO), null if none (left joins; and an
//                                         inner join whose FK changed, to retract the old result)
//   3 PROPAGATE_ONLY_IF_FK_VAL_AVAILABLE  subscribe; answer only if R(KO) exists (new inner subscription)
//
// Wire formats (topics <appId>-<name>-subscription-registration-topic and
// <appId>-<name>-subscription-response-topic), each starting with a version byte (0):
//   subscription: [0][instruction int8][hash present int8][hash 16 bytes if present]
//                 [primary partition int32][primary key bytes (the rest)]
//   response:     [0][hash present int8][hash 16 bytes if present][primary partition int32]
//                 [foreign value present int8][foreign value bytes (the rest)]
//   subscription store key (combined key): [KO length int32][KO bytes][K bytes], so a prefix scan
//   of [length][KO] finds every subscriber of KO; its value is the subscription as above.

import type { Processor, ProcessorContext } from '../engine/processor.js';
import type { Serde } from '../serdes.js';
import type { KeyValueStore } from '../stores/store.js';
import type { ValueGetter, ValueGetterSupplier } from './table-ops.js';
import { murmur3x86_128 } from './value-hash.js';

export const enum Instruction {
  DeleteKeyAndPropagate = 0,
  DeleteKeyNoPropagate = 1,
  PropagateNullIfNoFkValue = 2,
  PropagateOnlyIfFkValue = 3,
}

export interface Subscription {
  readonly instruction: Instruction;
  readonly hash: Buffer | null;
  readonly primaryPartition: number;
  readonly primaryKey: Buffer;
}

export interface SubscriptionResponse {
  readonly hash: Buffer | null;
  readonly primaryPartition: number;
  readonly foreignValue: Buffer | null;
}

export function valueHash(bytes: Buffer): Buffer {
  return murmur3x86_128(bytes);
}

export const subscriptionSerde: Serde<Subscription> = {
  name: 'fk-subscription',
  serialize: (s) => {
    const hashLen = s.hash ? 16 : 0;
    const out = Buffer.allocUnsafe(3 + hashLen + 4 + s.primaryKey.length);
    out.writeInt8(0, 0);
    out.writeInt8(s.instruction, 1);
    out.writeInt8(s.hash ? 1 : 0, 2);
    if (s.hash) s.hash.copy(out, 3);
    out.writeInt32BE(s.primaryPartition, 3 + hashLen);
    s.primaryKey.copy(out, 7 + hashLen);
    return out;
  },
  deserialize: (b) => {
    if (b.length < 7 || b.readInt8(0) !== 0) throw new RangeError('foreign-key subscription: unknown format');
    const instruction = b.readInt8(1);
    if (instruction < 0 || instruction > 3) throw new RangeError(`foreign-key subscription: unknown instruction ${instruction}`);
    const hashLen = b.readInt8(2) === 1 ? 16 : 0;
    if (b.length < 7 + hashLen) throw new RangeError('foreign-key subscription truncated');
    return {
      instruction: instruction as Instruction,
      hash: hashLen ? Buffer.from(b.subarray(3, 19)) : null,
      primaryPartition: b.readInt32BE(3 + hashLen),
      primaryKey: Buffer.from(b.subarray(7 + hashLen)),
    };
  },
};

export const responseSerde: Serde<SubscriptionResponse> = {
  name: 'fk-response',
  serialize: (r) => {
    const hashLen = r.hash ? 16 : 0;
    const valueLen = r.foreignValue?.length ?? 0;
    const out = Buffer.allocUnsafe(2 + hashLen + 5 + valueLen);
    out.writeInt8(0, 0);
    out.writeInt8(r.hash ? 1 : 0, 1);
    if (r.hash) r.hash.copy(out, 2);
    out.writeInt32BE(r.primaryPartition, 2 + hashLen);
    out.writeInt8(r.foreignValue ? 1 : 0, 6 + hashLen);
    if (r.foreignValue) r.foreignValue.copy(out, 7 + hashLen);
    return out;
  },
  deserialize: (b) => {
    if (b.length < 7 || b.readInt8(0) !== 0) throw new RangeError('foreign-key response: unknown format');
    const hashLen = b.readInt8(1) === 1 ? 16 : 0;
    if (b.length < 7 + hashLen) throw new RangeError('foreign-key response truncated');
    return {
      hash: hashLen ? Buffer.from(b.subarray(2, 18)) : null,
      primaryPartition: b.readInt32BE(2 + hashLen),
      foreignValue: b.readInt8(6 + hashLen) === 1 ? Buffer.from(b.subarray(7 + hashLen)) : null,
    };
  },
};

export function combinedKey(foreignKey: Buffer, primaryKey: Buffer): Buffer {
  const out = Buffer.allocUnsafe(4 + foreignKey.length + primaryKey.length);
  out.writeInt32BE(foreignKey.length, 0);
  foreignKey.copy(out, 4);
  primaryKey.copy(out, 4 + foreignKey.length);
  return out;
}

export function combinedPrefix(foreignKey: Buffer): Buffer {
  return combinedKey(foreignKey, Buffer.alloc(0));
}

/** Prefix length of a combined key (its foreign-key part), for the subscription store's prefix index. */
export function combinedPrefixLength(combined: Buffer): number {
  return combined.length < 4 ? combined.length : Math.min(combined.length, 4 + combined.readInt32BE(0));
}

export interface ForeignKeyJoinSerdes {
  readonly primaryKey: Serde<unknown>;
  readonly leftValue: Serde<unknown>;
  readonly foreignKey: Serde<unknown>;
  readonly foreignValue: Serde<unknown>;
}

/** Left side, on each change of L: subscribe to the new foreign key, unsubscribe from the old. */
export class SubscriptionSendProcessor implements Processor<unknown, unknown> {
  private ctx!: ProcessorContext<unknown, unknown>;

  constructor(
    private readonly extract: (value: unknown) => unknown,
    private readonly leftJoin: boolean,
    private readonly serdes: ForeignKeyJoinSerdes,
  ) {}

  init(ctx: ProcessorContext<unknown, unknown>): void {
    this.ctx = ctx;
  }

  process(key: unknown, value: unknown, ts: number, oldValue?: unknown): void {
    if (key === null || key === undefined) {
      this.ctx.metrics.skipped++;
      return;
    }
    const newValue = value ?? null;
    const old = oldValue ?? null; // unknown counts as none: a stale subscription is harmless (the hash filters its answers)
    const hash = newValue === null ? null : valueHash(this.serdes.leftValue.serialize(newValue));
    const pk = this.serdes.primaryKey.serialize(key);
    const send = (fk: unknown, instruction: Instruction) =>
      this.ctx.forward(fk, { instruction, hash, primaryPartition: this.ctx.partition, primaryKey: pk } satisfies Subscription, ts);
    const fkBytes = (fk: unknown) => (fk === null || fk === undefined ? null : this.serdes.foreignKey.serialize(fk));
    const newFk = newValue === null ? null : this.extract(newValue);
    const oldFk = old === null ? null : this.extract(old);
    const newBytes = fkBytes(newFk);
    const oldBytes = fkBytes(oldFk);
    if (this.leftJoin) {
      if (oldBytes && !(newBytes && newBytes.equals(oldBytes))) send(oldFk, Instruction.DeleteKeyAndPropagate);
      if (newValue !== null) {
        if (newBytes) send(newFk, Instruction.PropagateNullIfNoFkValue);
        else this.ctx.forward(null, { instruction: Instruction.PropagateNullIfNoFkValue, hash, primaryPartition: this.ctx.partition, primaryKey: pk }, ts);
      }
      return;
    }
    if (old !== null) {
      if (!oldBytes) {
        if (newBytes) send(newFk, Instruction.PropagateNullIfNoFkValue);
        else this.ctx.metrics.skipped++;
        return;
      }
      if (newValue === null) return send(oldFk, Instruction.DeleteKeyAndPropagate);
      if (!newBytes) {
        // The new value has no foreign key: retract the old result, as a delete would.
        send(oldFk, Instruction.DeleteKeyAndPropagate);
        return;
      }
      if (!newBytes.equals(oldBytes)) send(oldFk, Instruction.DeleteKeyNoPropagate);
      send(newFk, Instruction.PropagateNullIfNoFkValue);
    } else if (newValue !== null) {
      if (newBytes) send(newFk, Instruction.PropagateOnlyIfFkValue);
      else this.ctx.metrics.skipped++;
    }
  }
}

/** Right side, for each subscription record: update the subscription store and answer. */
export class SubscriptionReceiveProcessor implements Processor<unknown, Subscription> {
  private ctx!: ProcessorContext<unknown, unknown>;
  private store!: KeyValueStore<Buffer, Subscription>;
  private foreign!: ValueGetter<unknown, unknown>;

  constructor(
    private readonly storeName: string,
    private readonly foreignTable: ValueGetterSupplier<unknown, unknown>,
    private readonly serdes: ForeignKeyJoinSerdes,
  ) {}

  init(ctx: ProcessorContext<unknown, unknown>): void {
    this.ctx = ctx;
    this.store = ctx.store(this.storeName);
    this.foreign = this.foreignTable.create(ctx);
  }

  process(fk: unknown, s: Subscription, ts: number): void {
    const respond = (foreignValue: unknown) =>
      this.ctx.forward(
        s.primaryKey,
        { hash: s.hash, primaryPartition: s.primaryPartition, foreignValue: foreignValue === undefined ? null : this.serdes.foreignValue.serialize(foreignValue) } satisfies SubscriptionResponse,
        ts,
      );
    if (fk === null || fk === undefined) {
      // A left-join record without a foreign key: nothing to subscribe to, answer "no match" at once.
      if (s.instruction === Instruction.PropagateNullIfNoFkValue) respond(undefined);
      else this.ctx.metrics.skipped++;
      return;
    }
    const key = combinedKey(this.serdes.foreignKey.serialize(fk), s.primaryKey);
    const foreignValue = this.foreign.get(fk);
    switch (s.instruction) {
      case Instruction.DeleteKeyAndPropagate:
        this.store.delete(key);
        respond(undefined);
        return;
      case Instruction.DeleteKeyNoPropagate:
        this.store.delete(key);
        return;
      case Instruction.PropagateNullIfNoFkValue:
        this.store.put(key, s);
        respond(foreignValue);
        return;
      case Instruction.PropagateOnlyIfFkValue:
        this.store.put(key, s);
        if (foreignValue !== undefined) respond(foreignValue);
        return;
    }
  }
}

/** Right side, on each change of R: answer every subscriber of that foreign key. */
export class ForeignTableJoinProcessor implements Processor<unknown, unknown> {
  private ctx!: ProcessorContext<unknown, unknown>;
  private store!: KeyValueStore<Buffer, Subscription>;

  constructor(
    private readonly storeName: string,
    private readonly serdes: ForeignKeyJoinSerdes,
  ) {}

  init(ctx: ProcessorContext<unknown, unknown>): void {
    this.ctx = ctx;
    this.store = ctx.store(this.storeName);
  }

  process(fk: unknown, value: unknown, ts: number): void {
    if (fk === null || fk === undefined) {
      this.ctx.metrics.skipped++;
      return;
    }
    const foreignValue = value === null || value === undefined ? null : this.serdes.foreignValue.serialize(value);
    for (const [, s] of this.store.prefixScan(combinedPrefix(this.serdes.foreignKey.serialize(fk)))) {
      this.ctx.forward(s.primaryKey, { hash: s.hash, primaryPartition: s.primaryPartition, foreignValue } satisfies SubscriptionResponse, ts);
    }
  }
}

/** Left side, for each response: join with L's current value unless the response is stale. */
export class ResponseJoinProcessor implements Processor<unknown, SubscriptionResponse> {
  private ctx!: ProcessorContext<unknown, unknown>;
  private left!: ValueGetter<unknown, unknown>;

  constructor(
    private readonly leftTable: ValueGetterSupplier<unknown, unknown>,
    private readonly joiner: (left: unknown, right: unknown) => unknown,
    private readonly leftJoin: boolean,
    private readonly serdes: ForeignKeyJoinSerdes,
  ) {}

  init(ctx: ProcessorContext<unknown, unknown>): void {
    this.ctx = ctx;
    this.left = this.leftTable.create(ctx);
  }

  process(key: unknown, r: SubscriptionResponse, ts: number): void {
    const current = this.left.get(key);
    const currentHash = current === undefined ? null : valueHash(this.serdes.leftValue.serialize(current));
    const fresh = currentHash === null ? r.hash === null : r.hash !== null && currentHash.equals(r.hash);
    if (!fresh) return; // a newer change of this key is in flight; its own response decides
    const foreign = r.foreignValue === null ? undefined : this.serdes.foreignValue.deserialize(r.foreignValue);
    if (foreign === undefined && (!this.leftJoin || current === undefined)) this.ctx.forward(key, null, ts);
    else this.ctx.forward(key, this.joiner(current, foreign), ts);
  }
}
