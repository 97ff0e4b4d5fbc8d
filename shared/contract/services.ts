// The service interfaces the contract's procedures call. main/ implements them; the renderer
// and the CLI only ever reach them through the router, so validation and auditing happen once.
import type { z } from 'zod';
import type { Actor } from './trpc';
import type * as inv from './schemas/inventory';
import type * as vault from './schemas/vault';
import type * as audit from './schemas/audit';
import type { SystemInfo } from './schemas/system';
import type { ChangeEvent } from './schemas/events';
import type { CancelSignal } from './signal';
import type { StreamFrameSink } from './streamFrames';
import type * as power from './schemas/power';
import type * as exec from './schemas/exec';
import type * as hostkeys from './schemas/hostkeys';
import type * as sshconfig from './schemas/sshconfig';
import type * as streams from './schemas/streams';
import type * as files from './schemas/files';
import type * as forwards from './schemas/forwards';
import type * as jobs from './schemas/jobs';
import type * as datasets from './schemas/datasets';
import type * as queues from './schemas/queues';

type In<T extends z.ZodType> = z.output<T>;

export interface InventoryService {
  listNodes(query: In<typeof inv.NodeQuery>): inv.NodeList;
  getNode(name: string): inv.Node;
  addNode(actor: Actor, node: inv.NodeFields): inv.Node;
  updateNode(actor: Actor, name: string, patch: Partial<inv.NodeFields>): inv.Node;
  removeNodes(actor: Actor, nodeset: string): { removed: number };
  previewNodeSet(expr: string): inv.NodeSetPreview;
  expandNodeSet(expr: string): string[];
  importNodes(actor: Actor, input: In<typeof inv.ImportInput>): inv.ImportResult;
  exportNodes(input: In<typeof inv.ExportInput>): { text: string; count: number };

  listGroups(): inv.Group[];
  addGroup(actor: Actor, input: In<typeof inv.GroupInput>): inv.Group;
  removeGroup(actor: Actor, name: string): void;
  groupMembers(name: string): string[];
  setGroupMembers(actor: Actor, name: string, op: 'add' | 'remove' | 'set', nodeset: string): { members: number };

  listRooms(): inv.Room[];
  addRoom(actor: Actor, input: In<typeof inv.RoomInput>): inv.Room;
  removeRoom(actor: Actor, name: string): void;
  listRacks(): inv.Rack[];
  addRack(actor: Actor, input: In<typeof inv.RackInput>): inv.Rack;
  removeRack(actor: Actor, name: string): void;
}

export interface VaultService {
  status(): vault.VaultStatus;
  unlock(passphrase: string): vault.VaultStatus;
  list(): vault.CredentialSummary[];
  add(actor: Actor, input: In<typeof vault.CredentialInput>): vault.CredentialSummary;
  remove(actor: Actor, name: string): void;
}

export interface AuditService {
  list(query: In<typeof audit.AuditQuery>): audit.AuditList;
  exportCsv(query: In<typeof audit.AuditQuery>): string;
}

export interface SystemService {
  info(via: Actor['via']): SystemInfo;
  /** Completed state changes, from any process on this data folder, until `signal` aborts. */
  changes(signal?: CancelSignal): AsyncIterable<ChangeEvent>;
}

export interface StreamService {
  /** With `frames`, output goes there as binary frames (the `opened` event names the channel). */
  open(actor: Actor, input: z.output<typeof streams.StreamOpenInput>, signal?: CancelSignal, frames?: StreamFrameSink): AsyncIterable<streams.StreamEvent>;
  write(id: string, base64: string): void;
  resize(id: string, cols: number, rows: number): void;
  /** The renderer has consumed `bytes` more bytes of output. */
  ack(id: string, bytes: number): void;
  close(id: string): void;
}

export interface ExecService {
  run(actor: Actor, input: In<typeof exec.ExecRunInput>, signal?: CancelSignal): AsyncIterable<exec.ExecEvent>;
}

export interface HostKeysService {
  list(input: In<typeof hostkeys.HostKeyListInput>): hostkeys.HostKeyEntry[];
  scan(actor: Actor, input: In<typeof hostkeys.HostKeyScanInput>, signal?: CancelSignal): Promise<hostkeys.HostKeyScanResult[]>;
  forget(actor: Actor, input: In<typeof hostkeys.HostKeyForgetInput>): hostkeys.HostKeyForgetResult;
  /** Stores the key of one hop of a node's chain after a person accepted its fingerprint (terminal first contact). */
  accept(actor: Actor, input: In<typeof hostkeys.HostKeyAcceptInput>, signal?: CancelSignal): Promise<hostkeys.HostKeyAcceptResult>;
}

export interface SshConfigService {
  import(actor: Actor, input: In<typeof sshconfig.SshConfigImportInput>): sshconfig.SshConfigImportResult;
}

export interface PowerService {
  run(actor: Actor, input: In<typeof power.PowerRunInput>, signal?: CancelSignal): AsyncIterable<power.PowerEvent>;
  sensors(actor: Actor, input: In<typeof power.SensorsInput>, signal?: CancelSignal): AsyncIterable<power.SensorsEvent>;
  sel(actor: Actor, input: In<typeof power.SelInput>, signal?: CancelSignal): AsyncIterable<power.SelEvent>;
  probeCertificates(input: In<typeof power.CertificateProbeInput>, signal?: CancelSignal): Promise<power.CertificateStatus[]>;
  trust(actor: Actor, input: In<typeof power.TrustInput>, signal?: CancelSignal): Promise<power.TrustResult[]>;
  lastStates(input: In<typeof power.LastStatesInput>): power.LastState[];
}

export interface JobsService {
  listBackends(): jobs.Backend[];
  addBackend(actor: Actor, input: In<typeof jobs.BackendInput>): jobs.Backend;
  removeBackend(actor: Actor, name: string): void;
  /** The exact script or manifest a submit would send. */
  preview(input: In<typeof jobs.PreviewInput>): jobs.Rendered;
  /** Draft, outbox (backend unreachable) or submitted; other failures keep the job as a draft and throw. */
  submit(actor: Actor, input: In<typeof jobs.SubmitInput>, signal?: CancelSignal): Promise<jobs.JobDetail>;
  /** Submits a draft or an outbox job now. */
  send(actor: Actor, id: number, signal?: CancelSignal): Promise<jobs.JobDetail>;
  list(actor: Actor, input: In<typeof jobs.ListInput>, signal?: CancelSignal): Promise<jobs.Job[]>;
  show(id: number, signal?: CancelSignal): Promise<jobs.JobDetail>;
  logs(input: In<typeof jobs.LogsInput>): Promise<z.infer<typeof jobs.LogsResult>>;
  cancel(actor: Actor, id: number, signal?: CancelSignal): Promise<jobs.Job>;
  control(actor: Actor, input: In<typeof jobs.ControlInput>, signal?: CancelSignal): Promise<jobs.Job>;
  rerun(actor: Actor, id: number, signal?: CancelSignal): Promise<jobs.JobDetail>;
  flushOutbox(actor: Actor, signal?: CancelSignal): Promise<z.infer<typeof jobs.FlushResult>>;
  deleteJob(actor: Actor, id: number): Promise<void>;
  partitions(backend: string | undefined, signal?: CancelSignal): Promise<z.infer<typeof jobs.Partition>[]>;
  nodes(backend: string | undefined, signal?: CancelSignal): Promise<z.infer<typeof jobs.ClusterNode>[]>;
  /** Kubernetes: the job's pods, its (and its pods') events, its pods' logs followed. */
  pods(id: number, signal?: CancelSignal): Promise<z.infer<typeof jobs.JobPod>[]>;
  events(id: number, signal?: CancelSignal): Promise<z.infer<typeof jobs.JobEvent>[]>;
  followLogs(id: number, tailLines: number, signal?: CancelSignal): AsyncGenerator<z.infer<typeof jobs.LogLine>>;
  /** Kubernetes: a kubeconfig's contexts (no secrets); switch a backend to another. */
  /** A running job's interactive endpoints (Jupyter, TensorBoard), as the job reported them or its template declares. */
  endpoints(id: number, signal?: CancelSignal): Promise<jobs.JobEndpoint[]>;
  /**
   * Forwards 127.0.0.1:localPort to one endpoint (SSH local forward through the login node, or a Kubernetes
   * port-forward) while the caller stays subscribed and the job runs; yields the URL, then `closed` when the job ends.
   */
  openEndpoint(actor: Actor, input: In<typeof jobs.OpenEndpointInput>, signal?: CancelSignal): AsyncGenerator<jobs.EndpointEvent>;
  kubeContexts(input: In<typeof jobs.KubeContextsInput>): z.infer<typeof jobs.KubeContext>[];
  switchContext(actor: Actor, input: In<typeof jobs.SwitchContextInput>): jobs.Backend;
}

export interface TemplatesService {
  list(): jobs.TemplateSummary[];
  get(ref: In<typeof jobs.TemplateRef>): jobs.Template;
  /** Saves a new version of a custom template. */
  save(actor: Actor, input: In<typeof jobs.TemplateSaveInput>): jobs.Template;
  clone(actor: Actor, input: In<typeof jobs.TemplateCloneInput>): jobs.Template;
  remove(actor: Actor, name: string): void;
  exportText(ref: In<typeof jobs.TemplateRef>): { filename: string; text: string };
  importText(actor: Actor, input: In<typeof jobs.TemplateImportInput>): jobs.Template;
}

export interface FilesService {
  list(input: In<typeof files.RemoteRef>): Promise<files.ListResult>;
  stat(input: In<typeof files.RemoteRef>): Promise<files.FileEntry>;
  mkdir(actor: Actor, input: In<typeof files.MkdirInput>): Promise<{ path: string }>;
  rename(actor: Actor, input: In<typeof files.RenameInput>): Promise<{ path: string }>;
  remove(actor: Actor, input: In<typeof files.DeleteInput>): Promise<{ path: string }>;
  readText(input: In<typeof files.RemoteRef>): Promise<files.ReadTextResult>;
  writeText(actor: Actor, input: In<typeof files.WriteTextInput>): Promise<{ path: string; size: number }>;
  upload(actor: Actor, input: In<typeof files.UploadInput>, signal?: CancelSignal): AsyncIterable<files.TransferEvent>;
  download(actor: Actor, input: In<typeof files.DownloadInput>, signal?: CancelSignal): AsyncIterable<files.TransferEvent>;
}

export interface ForwardsService {
  add(actor: Actor, input: In<typeof forwards.ForwardAddInput>): Promise<forwards.ForwardAddResult>;
  list(): forwards.Forward[];
  stop(actor: Actor, id: string): Promise<{ stopped: number }>;
  stopAll(actor: Actor): Promise<{ stopped: number }>;
}

export interface DatasetsService {
  list(): datasets.DatasetSummary[];
  get(name: string): datasets.DatasetSummary;
  create(actor: Actor, input: In<typeof datasets.CreateInput>): Promise<datasets.CreateResult>;
  /** Tile pyramids of large images still being built in the background after a create or import. */
  pyramids(): datasets.PyramidProgress;
  remove(actor: Actor, name: string): { removed: boolean };
  importAnnotations(actor: Actor, input: In<typeof datasets.ImportInput>): Promise<datasets.ImportResult>;
  exportAnnotations(actor: Actor, input: In<typeof datasets.ExportInput>): Promise<datasets.ExportResult>;
  images(input: In<typeof datasets.ImagesInput>): datasets.ImageList;
  thumbnail(input: In<typeof datasets.ThumbnailInput>): Promise<z.output<typeof datasets.Thumbnail>>;
  stats(input: In<typeof datasets.StatsInput>): datasets.Stats;
  versions(name: string): datasets.Version[];
  createVersion(actor: Actor, input: In<typeof datasets.VersionCreateInput>): datasets.Version;
  publish(actor: Actor, input: In<typeof datasets.PublishInput>): Promise<z.output<typeof datasets.PublishResult>>;
  publishUpload(actor: Actor, input: In<typeof datasets.PublishUploadInput>, signal?: CancelSignal): AsyncIterable<files.TransferEvent>;
  queries(name: string): z.output<typeof datasets.SavedQuery>[];
  saveQuery(actor: Actor, input: In<typeof datasets.SaveQueryInput>): z.output<typeof datasets.SavedQuery>;
  annotations(input: In<typeof datasets.ImageRef>): datasets.AnnotatedImage;
  saveAnnotation(actor: Actor, input: In<typeof datasets.SaveAnnotationInput>): z.output<typeof datasets.SavedAnnotation>;
  deleteAnnotations(actor: Actor, input: In<typeof datasets.DeleteAnnotationInput>): { deleted: number };
  setStatus(actor: Actor, input: In<typeof datasets.SetStatusInput>): { status: string };
  editLabels(actor: Actor, input: In<typeof datasets.EditLabelsInput>): datasets.DatasetSummary;
  classify(actor: Actor, input: In<typeof datasets.ClassifyInput>): z.output<typeof datasets.Classified>;
  imageView(input: In<typeof datasets.ImageRef>): Promise<datasets.ImageView>;
  imageTile(input: In<typeof datasets.TileInput>): Promise<z.output<typeof datasets.Tile>>;
}

export interface QueuesService {
  list(input: In<typeof queues.BackendRef>, signal?: CancelSignal): Promise<queues.BackendQueues[]>;
  usage(actor: Actor, input: In<typeof queues.UsageInput>, signal?: CancelSignal): Promise<queues.Usage>;
  createVolcano(actor: Actor, input: In<typeof queues.QueueCreateInput>, signal?: CancelSignal): Promise<queues.VolcanoQueue>;
  updateVolcano(actor: Actor, input: In<typeof queues.QueueUpdateInput>, signal?: CancelSignal): Promise<queues.VolcanoQueue>;
  deleteVolcano(actor: Actor, input: In<typeof queues.QueueRef>, signal?: CancelSignal): Promise<void>;
  watchVolcano(input: In<typeof queues.WatchInput>, signal?: CancelSignal): AsyncGenerator<queues.VolcanoQueue[]>;
}

export interface Services {
  inventory: InventoryService;
  vault: VaultService;
  audit: AuditService;
  system: SystemService;
  power: PowerService;
  streams: StreamService;
  exec: ExecService;
  hostkeys: HostKeysService;
  sshconfig: SshConfigService;
  jobs: JobsService;
  templates: TemplatesService;
  files: FilesService;
  forwards: ForwardsService;
  datasets: DatasetsService;
  queues: QueuesService;
}
