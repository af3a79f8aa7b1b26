// The cluster id and node id of a data dir, kept in `<data-dir>/meta.properties` as Kafka
// does (`cluster.id`, `node.id`, `version`), so a restarted broker keeps its identity and
// clients that cache the cluster id see the same one. Written atomically on first start.
import { randomBytes } from 'node:crypto';
import type { FileSystem } from '../storage/index.js';
import { readFileIfExists, writeFileAtomic } from '../storage/atomic-file.js';
import { parseProperties } from './config/load.js';

export const META_PROPERTIES = 'meta.properties';

export interface ClusterIdentity {
  clusterId: string;
  nodeId: number;
}

/** Reads the identity, or creates one for a fresh data dir. A node.id mismatch is an error. */
export async function loadClusterIdentity(fs: FileSystem, dataDir: string, nodeId: number): Promise<ClusterIdentity> {
  await fs.mkdir(dataDir);
  const existing = await readFileIfExists(fs, `${dataDir}/${META_PROPERTIES}`);
  if (existing) {
    const props = parseProperties(existing.toString('utf8'));
    const clusterId = props['cluster.id'];
    const storedNode = Number(props['node.id']);
    if (clusterId && Number.isInteger(storedNode)) {
      if (storedNode !== nodeId) {
        throw new Error(`data dir ${dataDir} belongs to node.id ${storedNode}, not ${nodeId}`);
      }
      return { clusterId, nodeId };
    }
  }
  // Kafka's cluster ids are 16 random bytes in base64url (22 characters).
  const identity = { clusterId: randomBytes(16).toString('base64url'), nodeId };
  const text = `# Written by Brook on first start; identifies this data dir.\nversion=1\ncluster.id=${identity.clusterId}\nnode.id=${nodeId}\n`;
  await writeFileAtomic(fs, dataDir, META_PROPERTIES, Buffer.from(text));
  return identity;
}
