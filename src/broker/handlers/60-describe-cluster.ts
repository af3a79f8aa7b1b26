// DescribeCluster (key 60, KIP-700): this node as the only broker and the controller.
// v1 (KIP-919) asks for an endpoint type; a broker answers only for brokers (1).
import { apis } from '../../protocol/messages/index.js';
import { ErrorCode } from '../../protocol/errors.js';
import { CLUSTER_RESOURCE_NAME } from '../topics/authorized-operations.js';
import { operationsFor } from './authorize.js';
import { defineHandler } from './handler.js';

const EndpointType = { BROKER: 1, CONTROLLER: 2 } as const;

export default defineHandler({
  api: apis.DescribeCluster,
  minVersion: 0,
  maxVersion: 1,
  handle(request, ctx) {
    const { broker } = ctx;
    const base = {
      throttleTimeMs: 0,
      endpointType: EndpointType.BROKER,
      clusterId: broker.clusterId,
      controllerId: broker.nodeId,
      clusterAuthorizedOperations: operationsFor(ctx, request.includeClusterAuthorizedOperations, 'cluster', CLUSTER_RESOURCE_NAME),
    };
    // v0 requests decode endpointType as its default (1).
    if (request.endpointType === EndpointType.CONTROLLER) {
      return { ...base, errorCode: ErrorCode.MISMATCHED_ENDPOINT_TYPE, errorMessage: 'The request was sent to a broker endpoint, but asked for controllers.', brokers: [] };
    }
    if (request.endpointType !== EndpointType.BROKER) {
      return { ...base, errorCode: ErrorCode.UNSUPPORTED_ENDPOINT_TYPE, errorMessage: `Unsupported endpoint type ${request.endpointType}.`, brokers: [] };
    }
    return {
      ...base,
      errorCode: ErrorCode.NONE,
      errorMessage: null,
      brokers: [{ brokerId: broker.nodeId, host: (ctx.session?.advertised ?? broker.advertised).host, port: (ctx.session?.advertised ?? broker.advertised).port, rack: broker.config.get('broker.rack') }],
    };
  },
});
