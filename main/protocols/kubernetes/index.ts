/**
 * Kubernetes, plain Node (@kubernetes/client-node 1.x for kubeconfig parsing, contexts and auth;
 * requests through one transport with a timeout and an AbortSignal each).
 * - KubeClient.fromKubeconfig(text, context?): jobs (PyTorchJob, MPIJob, TFJob, batch/v1 Job, Volcano Job),
 *   paged lists, watches with resume and re-list, suspend/resume, pods (list, delete), log follow,
 *   events, Volcano queues, installedKinds() (which CRDs the cluster serves).
 * - toJobState(kind, object): each kind's status → ClusterDeck's job states (raw state kept).
 * - runTimes / jobDevices(kind, object): when a job ran and the devices its replicas hold (per-user usage).
 * Errors are AppErrors with K8S_* codes (see errors.ts).
 */
export { KubeClient, toQueue, type KubeClientOptions, type DeleteOptions } from './client';
export { KINDS, JOB_KINDS, kindOfManifest, type JobKind, type KindInfo } from './kinds';
export type { ContextInfo } from './kubeconfig';
export type { LogOptions } from './logs';
export type { PortForwardOptions } from './portForward';
export type { WatchOptions } from './watch';
export type { CallOptions } from './transport';
export { toJobState, isFinished, type MappedState } from './states';
export { runTimes, jobDevices, type RunTimes } from './usage';
export type { K8sObject, ObjectMeta, Page, ListOptions, WatchEvent, Queue, QueueSpec, QueueChanges, ResourceList, KubeEvent, PodInfo } from './types';
