// Config resource types as DescribeConfigs/AlterConfigs/IncrementalAlterConfigs carry them
// (Kafka's ConfigResource.Type), and how a broker resource's name is read: "" is the
// cluster-wide default (DYNAMIC_DEFAULT_BROKER_CONFIG), otherwise it must be this node's id.
import { ErrorCode } from '../../protocol/errors.js';
import type { DynamicScope } from './broker-config.js';

export const ConfigResourceType = {
  UNKNOWN: 0,
  TOPIC: 2,
  BROKER: 4,
  BROKER_LOGGER: 8,
  CLIENT_METRICS: 16,
  GROUP: 32,
} as const;

/** A resource-level failure: the error code and message a response carries for it. */
export interface ResourceError {
  errorCode: number;
  errorMessage: string;
}

export function resourceError(errorCode: number, errorMessage: string): ResourceError {
  return { errorCode, errorMessage };
}

/** Kafka answers INVALID_REQUEST for resource types a broker does not handle. */
export function unsupportedResourceType(resourceType: number): ResourceError {
  return resourceError(ErrorCode.INVALID_REQUEST, `Unsupported resource type: ${resourceType}`);
}

/** The dynamic layer a broker resource name addresses, or why it addresses none on this node. */
export function brokerScope(resourceName: string, nodeId: number): DynamicScope | ResourceError {
  if (resourceName === '') return 'cluster-default';
  if (!/^-?\d+$/.test(resourceName)) return resourceError(ErrorCode.INVALID_REQUEST, `Broker id must be an integer, not "${resourceName}"`);
  if (Number(resourceName) !== nodeId) {
    return resourceError(ErrorCode.INVALID_REQUEST, `Unexpected broker id, expected ${nodeId} or empty string, but received ${resourceName}`);
  }
  return 'node';
}

export function isResourceError(x: unknown): x is ResourceError {
  return typeof x === 'object' && x !== null && 'errorCode' in x;
}
