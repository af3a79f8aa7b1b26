package dev.brook.interop.support;

import java.util.ArrayList;
import java.util.Collection;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.apache.kafka.common.TopicPartition;

/**
 * Who owns which partition, as the members' rebalance callbacks say. The consumer calls onPartitionsRevoked before it
 * tells the coordinator it gave a partition up, and onPartitionsAssigned once it was given one, so two members owning
 * one partition at the same moment here means the coordinator handed a partition over before it was released (the
 * invariant of KIP-848's incremental reconciliation). Every such moment is recorded as a violation.
 */
public final class Ownership {
  private final Map<TopicPartition, String> owner = new HashMap<>();
  private final List<String> violations = new ArrayList<>();
  private int handovers;

  public synchronized void assigned(String member, Collection<TopicPartition> partitions) {
    for (TopicPartition tp : partitions) {
      String previous = owner.put(tp, member);
      if (previous != null && !previous.equals(member)) violations.add(tp + " assigned to " + member + " while " + previous + " still owned it");
      handovers++;
    }
  }

  public synchronized void released(String member, Collection<TopicPartition> partitions) {
    for (TopicPartition tp : partitions) {
      if (member.equals(owner.get(tp))) owner.remove(tp);
    }
  }

  /** A member that died (no callbacks): its partitions are free once the coordinator fenced it. */
  public synchronized void forget(String member) {
    owner.values().removeIf(member::equals);
  }

  public synchronized List<String> violations() {
    return new ArrayList<>(violations);
  }

  public synchronized int handovers() {
    return handovers;
  }
}
