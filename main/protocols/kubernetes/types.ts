// The shapes this layer hands out. Objects stay as the API server sent them (so a manifest reads
// back exactly as written); only the list/watch/queue/event wrappers are ClusterDeck's own.

export interface ObjectMeta {
  name: string;
  namespace?: string;
  uid?: string;
  resourceVersion?: string;
  generation?: number;
  creationTimestamp?: string;
  deletionTimestamp?: string;
  labels?: Record<string, string>;
  annotations?: Record<string, string>;
  ownerReferences?: Array<{ apiVersion: string; kind: string; name: string; uid: string }>;
}

export interface K8sObject {
  apiVersion?: string;
  kind?: string;
  metadata: ObjectMeta;
  spec?: Record<string, unknown>;
  status?: Record<string, unknown>;
}

export interface Page<T = K8sObject> {
  items: T[];
  /** Pass back as `continue` for the next page; null on the last page. */
  continue: string | null;
  /** The list's resourceVersion: a watch started from it misses nothing. */
  resourceVersion: string;
  remainingItemCount: number | null;
}

export interface ListOptions {
  limit?: number;
  continue?: string;
  labelSelector?: string;
  fieldSelector?: string;
}

export type WatchEvent<T = K8sObject> =
  | { type: 'ADDED' | 'MODIFIED' | 'DELETED'; object: T }
  /** A full listing: on start without a resourceVersion, and again after 410 Gone. Replace what you hold. */
  | { type: 'SYNC'; items: T[]; resourceVersion: string };

export type ResourceList = Record<string, string>;

export interface QueueSpec {
  name: string;
  weight?: number;
  /** May other queues' jobs borrow this queue's idle share (and be reclaimed from)? */
  reclaimable?: boolean;
  /** The share the queue deserves when the cluster is full. */
  deserved?: ResourceList;
  /** Reserved for the queue whatever else runs. */
  guarantee?: ResourceList;
  /** The most the queue may ever use. */
  capability?: ResourceList;
}

/** Fields to change; null removes a quota, undefined keeps it. */
export interface QueueChanges {
  weight?: number;
  reclaimable?: boolean;
  deserved?: ResourceList | null;
  guarantee?: ResourceList | null;
  capability?: ResourceList | null;
}

export interface Queue extends Required<Pick<QueueSpec, 'name'>> {
  weight: number;
  reclaimable: boolean;
  deserved: ResourceList | null;
  guarantee: ResourceList | null;
  capability: ResourceList | null;
  /** Open, Closed, Closing, Unknown. */
  state: string;
  jobs: { pending: number; inqueue: number; running: number };
  resourceVersion: string;
  raw: K8sObject;
}

export interface KubeEvent {
  type: string;
  reason: string;
  message: string;
  count: number;
  firstTime: string | null;
  lastTime: string | null;
  source: string | null;
  object: { kind: string; name: string };
}

export interface PodInfo {
  name: string;
  namespace: string;
  phase: string;
  node: string | null;
  containers: string[];
  /** training.kubeflow.org/replica-type, volcano.sh/task-spec, ... when present. */
  role: string | null;
  raw: K8sObject;
}
