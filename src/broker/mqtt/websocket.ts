// MQTT over WebSocket (MQTT 5.0 §6; 3.1.1 §6): binary WebSocket messages carry the MQTT byte stream
// (a message may hold part of a packet or several), under the subprotocol "mqtt" ("mqttv3.1" for old
// clients). The HTTP server owns the port and hands upgrade requests for its MQTT path here; the
// WebSocket becomes a stream for MqttServer.acceptStream, so everything past the handshake is the
// same as over TCP.
import type { IncomingMessage } from 'node:http';
import type { Duplex } from 'node:stream';
import { WebSocketServer, createWebSocketStream } from 'ws';
import type { MqttServer } from './mqtt-server.js';

export class MqttWebSocketEndpoint {
  private readonly wss: WebSocketServer;

  constructor(private readonly server: MqttServer) {
    this.wss = new WebSocketServer({
      noServer: true,
      // A WebSocket message never needs to exceed one MQTT packet (plus framing slack).
      maxPayload: server.settings.maxPacketSize + 1024,
      handleProtocols: (offered) => (offered.has('mqtt') ? 'mqtt' : offered.has('mqttv3.1') ? 'mqttv3.1' : false),
    });
  }

  /** Completes an HTTP upgrade request (the caller checked its path) and serves MQTT on it. */
  handleUpgrade(request: IncomingMessage, socket: Duplex, head: Buffer): void {
    this.wss.handleUpgrade(request, socket, head, (ws) => {
      const stream = createWebSocketStream(ws);
      stream.on('error', () => ws.terminate());
      const address = `${request.socket.remoteAddress ?? '?'}:${request.socket.remotePort ?? 0}`;
      this.server.acceptStream(stream, `ws:${address}`);
    });
  }

  close(): void {
    for (const ws of this.wss.clients) ws.terminate();
    this.wss.close();
  }
}
