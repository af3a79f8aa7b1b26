// The MQTT 3.1.1 and 5.0 codec (OASIS MQTT Version 3.1.1 and Version 5.0): packets, properties, reason
// codes, topic rules and framing. Bytes in, values out; no sockets, no files, no timers.
export { decodePacket } from './decode-packet.js';
export { encodePacket, publishPacketSize } from './encode-packet.js';
export { MqttError, malformed, protocolError } from './mqtt-error.js';
export { PacketFramer } from './packet-framer.js';
export type { RawPacket } from './packet-framer.js';
// packets.ts holds only the packet shapes and PacketType: the whole module is the codec's surface.
export * from './packets.js';
export { PROPERTY_TABLE, payloadMatchesFormat, propertiesSize, readProperties, writeProperties } from './properties.js';
export type { Properties, PropertyPacket } from './properties.js';
export { MAX_VARIABLE_BYTE_INTEGER, PacketReader, isValidMqttString, readVariableByteInteger, variableByteIntegerSize, writeVariableByteInteger } from './primitives.js';
export { ReasonCode, connackReturnCode311, reasonAllowedIn, reasonName } from './reason-codes.js';
export { filtersOverlap, hasWildcard, parseSharedFilter, topicFilterProblem, topicMatches, topicNameProblem } from './topics.js';
export type { SharedFilter } from './topics.js';
