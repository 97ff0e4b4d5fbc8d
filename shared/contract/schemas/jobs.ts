import { z } from 'zod';
import { Name } from './common';

// One job model across backends (Slurm over its commands or slurmrestd; Kubernetes). A job is written from a template
// and its parameter values; ClusterDeck keeps drafts and an outbox locally, so nothing is lost
// when no cluster answers.

export const JOB_STATES = ['queued', 'scheduling', 'running', 'pausing', 'paused', 'succeeded', 'failed', 'cancelled', 'unknown'] as const;
/** States after which a backend no longer changes a job. */
export const FINISHED_STATES = ['succeeded', 'failed', 'cancelled'] as const;
export const isFinishedState = (state: string | null | undefined): boolean => (FINISHED_STATES as readonly string[]).includes(state ?? '');
export type JobState = (typeof JOB_STATES)[number];

/** Where a job is in ClusterDeck: written only, waiting for its backend, or handed to it. */
export const JOB_PHASES = ['draft', 'outbox', 'submitted'] as const;

export const BACKEND_KINDS = ['slurm-cli', 'slurm-rest', 'kubernetes'] as const;

export const Backend = z.object({
  name: Name,
  kind: z.enum(BACKEND_KINDS),
  /** slurm-rest: http(s)://host:port of slurmrestd. slurm-cli: "local" or ssh://login-node. kubernetes: the API server of the context (shown only). */
  url: z.string().max(2048),
  /** The Slurm user name REST requests authenticate as. */
  user: z.string().max(128).nullable(),
  /** Vault credential holding the JWT (slurm-rest), the SSH key (slurm-cli over SSH) or the kubeconfig (kubernetes). */
  credential: z.string().max(128).nullable(),
  /** Default working folder for jobs (their output files land here unless a template says otherwise). */
  workDir: z.string().max(4096).nullable(),
  /** Environment for the Slurm commands of a slurm-cli backend (e.g. SLURM_CONF). */
  env: z.record(z.string(), z.string()),
  /** kubernetes: the kubeconfig context in use (null: its current-context). */
  context: z.string().max(253).nullable().default(null),
  /** kubernetes: the namespace jobs go to unless their manifest names one. */
  namespace: z.string().max(63).nullable().default(null),
  createdAt: z.string(),
});
export type Backend = z.infer<typeof Backend>;

export const BackendInput = z.object({
  name: Name,
  kind: z.enum(BACKEND_KINDS),
  url: z.string().max(2048).default('local'),
  user: z.string().max(128).nullable().default(null),
  credential: z.string().max(128).nullable().default(null),
  workDir: z.string().max(4096).nullable().default(null),
  env: z.record(z.string().regex(/^[A-Za-z_][A-Za-z0-9_]*$/, 'environment names are letters, digits and _'), z.string().max(4096)).default({}),
  /** kubernetes: the kubeconfig text (a secret: stored in the vault, never in the backend row). Or name a vault kubeconfig with `credential`. */
  kubeconfig: z.string().max(1024 * 1024).optional(),
  /** kubernetes: the context to use (default: the kubeconfig's current-context). */
  context: z.string().max(253).nullable().optional(),
  /** kubernetes: the namespace (default: the context's). */
  namespace: z.string().regex(/^[a-z0-9]([-a-z0-9]{0,61}[a-z0-9])?$/, 'a namespace is lower-case letters, digits and -').nullable().optional(),
  replace: z.boolean().default(false),
});

/** The contexts of a kubeconfig (given as text, or a kubernetes backend's stored one); no secrets. */
export const KubeContextsInput = z.object({ kubeconfig: z.string().max(1024 * 1024).optional(), backend: z.string().max(128).optional() });
export const KubeContext = z.object({ name: z.string(), cluster: z.string(), server: z.string().nullable(), user: z.string(), namespace: z.string(), current: z.boolean() });
export const SwitchContextInput = z.object({ backend: z.string().min(1).max(128), context: z.string().min(1).max(253), namespace: z.string().regex(/^[a-z0-9]([-a-z0-9]{0,61}[a-z0-9])?$/).nullable().default(null) });

export const Devices = z.object({ count: z.number().int().min(0).max(1024).default(0), type: z.string().max(64).nullable().default(null) });

export const Mount = z.object({ source: z.string().max(4096), target: z.string().max(4096), readOnly: z.boolean().default(false) });

/** What a rendered template asks the backend for (shown in the preview, stored with the job). */
export const JobSpec = z.object({
  name: z.string().max(128),
  priority: z.number().int().min(1).max(1000).default(100),
  preemptible: z.boolean().default(false),
  devices: Devices.default({ count: 0, type: null }),
  /** Distributed shape: nodes × devices per node (tasks per node for MPI). */
  shape: z.object({ nodes: z.number().int().min(1).max(100_000).default(1), tasksPerNode: z.number().int().min(1).max(4096).default(1) }).default({ nodes: 1, tasksPerNode: 1 }),
  partition: z.string().max(128).nullable().default(null),
  image: z.string().max(1024).nullable().default(null),
  env: z.record(z.string(), z.string()).default({}),
  mounts: z.array(Mount).default([]),
  /** Interactive endpoints the job serves (Jupyter, TensorBoard): name and port. */
  endpoints: z.array(z.object({ name: z.string().max(64), port: z.number().int().min(1).max(65535) })).default([]),
  timeLimitMin: z.number().int().min(1).nullable().default(null),
  /** Output file (Slurm pattern, %j = job id). */
  output: z.string().max(4096).nullable().default(null),
  workDir: z.string().max(4096).nullable().default(null),
});
export type JobSpec = z.infer<typeof JobSpec>;

export const ParamValue = z.union([z.string(), z.number(), z.boolean(), z.array(z.string()), z.record(z.string(), z.string())]);
export const Params = z.record(z.string(), ParamValue);
export type Params = z.infer<typeof Params>;

export const Rendered = z.object({
  template: z.string(),
  version: z.number().int(),
  /** "script" for Slurm batch scripts, "manifest" for Kubernetes YAML. */
  kind: z.enum(['script', 'manifest']),
  /** The exact text that is submitted. */
  text: z.string(),
  spec: JobSpec,
  params: Params,
});
export type Rendered = z.infer<typeof Rendered>;

export const Job = z.object({
  id: z.number().int(),
  name: z.string(),
  phase: z.enum(JOB_PHASES),
  backend: z.string().nullable(),
  template: z.string(),
  templateVersion: z.number().int(),
  params: Params,
  backendJobId: z.string().nullable(),
  state: z.enum(JOB_STATES).nullable(),
  /** The backend's own state, as it reported it ("PENDING", "CANCELLED by 0", ...). */
  rawState: z.string().nullable(),
  reason: z.string().nullable(),
  exitCode: z.number().int().nullable(),
  nodes: z.string().nullable(),
  output: z.string().nullable(),
  lastError: z.string().nullable(),
  attempts: z.number().int(),
  createdAt: z.string(),
  updatedAt: z.string(),
  submittedAt: z.string().nullable(),
  /** A job ClusterDeck submitted that its backend no longer knows. */
  vanished: z.boolean(),
  /** Completion hook: called once with the final state; hookResult says how that went ('HTTP 200', the error). */
  hookUrl: z.string().nullable().default(null),
  hookResult: z.string().nullable().default(null),
  /** Who the job runs as on its cluster (Slurm's job user, the kubeconfig context's user). */
  user: z.string().nullable().default(null),
  /** Where it queues: the Slurm partition, the Volcano queue, else the Kubernetes namespace. */
  queue: z.string().nullable().default(null),
});
export type Job = z.infer<typeof Job>;

/** An http(s) URL a finished job is reported to (POST, JSON). */
export const HookUrl = z.string().max(2048).regex(/^https?:\/\/[^\s/]+\S*$/, 'a completion hook is an http:// or https:// URL');

export const JobDetail = Job.extend({ rendered: Rendered.nullable() });
export type JobDetail = z.infer<typeof JobDetail>;

export const JobRef = z.object({ id: z.number().int().min(1) });

export const SubmitInput = z.object({
  template: z.string().min(1).max(128),
  /** Latest version unless given. */
  version: z.number().int().min(1).optional(),
  params: Params.default({}),
  backend: z.string().max(128).optional(),
  /** Save as a draft instead of submitting. */
  draft: z.boolean().default(false),
  /** Called once with the job's final state. */
  hook: HookUrl.nullable().optional(),
});

export const PreviewInput = SubmitInput.pick({ template: true, version: true, params: true, backend: true });

export const ListInput = z.object({
  backend: z.string().max(128).optional(),
  phase: z.enum(JOB_PHASES).optional(),
  /** Only jobs of this cluster user / in this queue (partition, Volcano queue or namespace). */
  user: z.string().max(128).optional(),
  queue: z.string().max(253).optional(),
  /** Ask each backend for the current state first (otherwise the last known state). */
  refresh: z.boolean().default(true),
});

export const ControlInput = z.object({ id: z.number().int().min(1), action: z.enum(['hold', 'release', 'suspend', 'resume']) });

export const FlushResult = z.object({
  submitted: z.array(z.object({ id: z.number().int(), backendJobId: z.string() })),
  waiting: z.array(z.object({ id: z.number().int(), error: z.string() })),
});

export const Partition = z.object({ name: z.string(), state: z.string(), nodes: z.string(), isDefault: z.boolean(), totalCpus: z.number().nullable(), totalNodes: z.number().nullable() });
export const ClusterNode = z.object({ name: z.string(), state: z.string(), partitions: z.array(z.string()), cpus: z.number(), gres: z.string(), reason: z.string() });

export const LogsInput = z.object({ id: z.number().int().min(1), tailBytes: z.number().int().min(1).max(64 * 1024 * 1024).default(1024 * 1024) });
export const LogsResult = z.object({ path: z.string(), text: z.string(), finished: z.boolean() });

/** Kubernetes: follow the logs of a job's pods (last `tailLines` lines first). */
export const FollowLogsInput = z.object({ id: z.number().int().min(1), tailLines: z.number().int().min(1).max(100_000).default(2000) });
export const LogLine = z.object({ pod: z.string(), line: z.string() });

/** Kubernetes: a pod of a job. */
export const JobPod = z.object({ name: z.string(), namespace: z.string(), phase: z.string(), node: z.string().nullable(), role: z.string().nullable(), containers: z.array(z.string()) });
/** Kubernetes: an event about a job or one of its pods. */
export const JobEvent = z.object({ type: z.string(), reason: z.string(), message: z.string(), count: z.number(), firstTime: z.string().nullable(), lastTime: z.string().nullable(), source: z.string().nullable(), object: z.object({ kind: z.string(), name: z.string() }) });

// Templates: a JSON Schema for the parameters plus a script or manifest with {{placeholders}}.

export const TemplateParamSchema = z.object({
  type: z.enum(['string', 'integer', 'number', 'boolean', 'array', 'object']),
  title: z.string().optional(),
  description: z.string().optional(),
  default: z.unknown().optional(),
  enum: z.array(z.union([z.string(), z.number()])).optional(),
  minimum: z.number().optional(),
  maximum: z.number().optional(),
  minLength: z.number().int().optional(),
  maxLength: z.number().int().optional(),
  pattern: z.string().optional(),
  items: z.object({ type: z.literal('string') }).optional(),
  additionalProperties: z.object({ type: z.literal('string') }).optional(),
});

export const TemplateBody = z.object({
  name: Name,
  title: z.string().max(200),
  description: z.string().max(4000).default(''),
  /** slurm: a batch script. kubernetes: a manifest (rendered to YAML by a serializer). */
  target: z.enum(['slurm', 'kubernetes']),
  parameters: z.object({
    type: z.literal('object'),
    properties: z.record(z.string().regex(/^[A-Za-z_][A-Za-z0-9_]*$/), TemplateParamSchema),
    required: z.array(z.string()).default([]),
  }),
  /** Slurm: script lines; `{{p}}` becomes one shell-quoted word (arrays: several words). */
  script: z.string().max(1_000_000).optional(),
  /** Kubernetes: the manifest as JSON; a string "{{p}}" becomes the value itself, typed. */
  manifest: z.unknown().optional(),
  /** The job's resources and metadata; values may be "{{p}}" placeholders. */
  spec: z.record(z.string(), z.unknown()).default({}),
});
export type TemplateBody = z.infer<typeof TemplateBody>;

export const TemplateSummary = z.object({
  name: z.string(),
  title: z.string(),
  target: z.enum(['slurm', 'kubernetes']),
  version: z.number().int(),
  builtin: z.boolean(),
  /** Versions kept for a custom template. */
  versions: z.array(z.number().int()),
  updatedAt: z.string().nullable(),
});
export type TemplateSummary = z.infer<typeof TemplateSummary>;

export const Template = TemplateSummary.extend({ body: TemplateBody });
export type Template = z.infer<typeof Template>;

export const TemplateRef = z.object({ name: z.string().min(1).max(128), version: z.number().int().min(1).optional() });
export const TemplateSaveInput = z.object({ body: TemplateBody });
export const TemplateCloneInput = z.object({ from: z.string().min(1).max(128), to: Name });
export const TemplateImportInput = z.object({ text: z.string().min(1).max(2_000_000), replace: z.boolean().default(false) });

/**
 * An interactive endpoint of a running job (Jupyter, TensorBoard): where it listens as seen from the login node
 * (Slurm: a compute node's host and port) or the pod (Kubernetes). `source` says how ClusterDeck knows: the job
 * reported it (a `clusterdeck-endpoint NAME HOST PORT` line in its output), the template declares the port (on the
 * job's first node / its main pod), or the caller asked for a port.
 */
export const JobEndpoint = z.object({ name: z.string(), host: z.string(), port: z.number().int(), source: z.enum(['output', 'template', 'request']), pod: z.string().nullable() });
export type JobEndpoint = z.infer<typeof JobEndpoint>;

/** Open a forward to one endpoint (by name, or any port of the job with `port`) on 127.0.0.1:localPort (0: any free port). */
export const OpenEndpointInput = z.object({
  id: z.number().int().min(1),
  name: z.string().max(64).optional(),
  port: z.number().int().min(1).max(65535).optional(),
  localPort: z.number().int().min(0).max(65535).default(0),
});

/** What an open endpoint subscription reports: the local URL once listening; closed when the job ends. */
export const EndpointEvent = z.discriminatedUnion('type', [
  z.object({ type: z.literal('open'), endpoint: JobEndpoint, url: z.string(), localPort: z.number().int(), via: z.string() }),
  z.object({ type: z.literal('closed'), reason: z.string() }),
]);
export type EndpointEvent = z.infer<typeof EndpointEvent>;
