// AMQP heartbeats of one connection: a heartbeat frame is sent when nothing else was sent for half
// the interval; a client silent for two intervals has timed out (RabbitMQ: "missed heartbeats from
// client").

/** What the heartbeat timer reads from and does to its connection. */
export interface HeartbeatLink {
  now(): number;
  lastReceived(): number;
  lastSent(): number;
  /** The connection is deliberately not being read (resource alarm): its silence is not a timeout. */
  notBeingRead(): boolean;
  sendHeartbeat(): void;
  timedOut(): void;
}

/** Starts the timer for the negotiated interval (none for 0); the caller clears it on close. */
export function startHeartbeats(seconds: number, link: HeartbeatLink): NodeJS.Timeout | null {
  if (seconds <= 0) return null;
  const heartbeatMs = seconds * 1000;
  const tick = Math.max(100, heartbeatMs / 2);
  const timer = setInterval(() => {
    const now = link.now();
    if (!link.notBeingRead() && now - link.lastReceived() > heartbeatMs * 2) {
      link.timedOut();
      return;
    }
    if (now - link.lastSent() >= tick) link.sendHeartbeat();
  }, tick);
  timer.unref();
  return timer;
}
