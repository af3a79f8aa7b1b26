// DescribeGroups' clientHost as Kafka prints it: InetAddress.toString of the peer, "/127.0.0.1".
export function clientHostOf(clientAddress: string): string {
  const colon = clientAddress.lastIndexOf(':');
  const host = colon > 0 ? clientAddress.slice(0, colon) : clientAddress;
  return `/${host.replace(/^\[|\]$/g, '')}`;
}
