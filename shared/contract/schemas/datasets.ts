import { z } from 'zod';

/** Colours given to new labels in turn (UI, CLI and imports alike). */
export const LABEL_PALETTE = ['#1677ff', '#f5222d', '#52c41a', '#fa8c16', '#722ed1', '#13c2c2', '#eb2f96', '#faad14', '#2f54eb', '#a0d911'] as const;
import { Name } from './common';
import { UploadInput } from './files';

// Image datasets: folders of images that stay where they are, labels, annotations in one model
// (box, polygons or RLE), import/export as COCO, Pascal VOC, YOLO (Ultralytics) and folder-per-class,
// immutable versions, statistics and saved queries.

export const DATASET_KINDS = ['classification', 'multilabel', 'detection', 'segmentation'] as const;
export const DatasetKind = z.enum(DATASET_KINDS);
export const DATASET_FORMATS = ['coco', 'voc', 'yolo', 'folder'] as const;
export const DatasetFormat = z.enum(DATASET_FORMATS);
export const IMAGE_STATUSES = ['unlabeled', 'labeled', 'reviewed'] as const;
export const ImageStatus = z.enum(IMAGE_STATUSES);

/** A path on the machine that runs ClusterDeck's main process (the renderer cannot read disks). */
const LocalPath = z.string().min(1, 'a path is needed').max(4096);

export const LabelDef = z.object({
  name: z.string().trim().min(1).max(200),
  color: z.string().regex(/^#[0-9a-fA-F]{6}$/, 'a color such as #1677ff').default('#1677ff'),
  hotkey: z.string().max(1).nullable().default(null),
});
export type LabelDef = z.infer<typeof LabelDef>;

export const Label = z.object({ name: z.string(), color: z.string(), hotkey: z.string().nullable(), annotations: z.number().int() });
export type Label = z.infer<typeof Label>;

export const DatasetSummary = z.object({
  name: z.string(),
  kind: DatasetKind,
  root: z.string(),
  description: z.string(),
  images: z.number().int(),
  annotations: z.number().int(),
  bytes: z.number(),
  updatedAt: z.string(),
  /** The newest published version's number. */
  published: z.number().int().nullable(),
  versions: z.number().int(),
  labels: z.array(Label),
});
export type DatasetSummary = z.infer<typeof DatasetSummary>;

/** One item that could not be read: file, and a line or a JSON/XML path, and why. */
export const ItemError = z.object({ file: z.string(), line: z.number().int().optional(), path: z.string().optional(), reason: z.string() });
export type ItemError = z.infer<typeof ItemError>;

export const DatasetRef = z.object({ name: Name });

export const CreateInput = z.object({
  name: Name,
  kind: DatasetKind,
  folder: LocalPath,
  description: z.string().max(2000).default(''),
  labels: z.array(LabelDef).max(10_000).default([]),
});
export const CreateResult = z.object({ dataset: DatasetSummary, errors: z.array(ItemError) });
/** Background tile-pyramid builds: `pending` of `total` still to go (all zero when idle). */
export const PyramidProgress = z.object({ pending: z.number().int(), built: z.number().int(), total: z.number().int() });
export type PyramidProgress = z.infer<typeof PyramidProgress>;
export type CreateResult = z.infer<typeof CreateResult>;

export const ImportInput = z.object({
  name: Name,
  format: DatasetFormat,
  /** COCO: the JSON file. VOC: the folder of XML files. YOLO: data.yaml. Folder: unused (images are the classes). */
  annotations: LocalPath.optional(),
  /** The images folder; for a dataset that does not exist yet it becomes its root. */
  images: LocalPath.optional(),
  kind: DatasetKind.optional(),
  yoloTask: z.enum(['detect', 'segment', 'auto']).default('auto'),
  /** Import nothing when any item has an error. */
  allOrNothing: z.boolean().default(false),
  /** Replace the dataset's annotations instead of adding to them. */
  replace: z.boolean().default(false),
});
export const ImportResult = z.object({
  imported: z.boolean(),
  images: z.number().int(),
  annotations: z.number().int(),
  labels: z.number().int(),
  errors: z.array(ItemError),
});
export type ImportResult = z.infer<typeof ImportResult>;

export const ExportInput = z.object({ name: Name, format: DatasetFormat, out: LocalPath, version: z.number().int().min(1).optional(), copyImages: z.boolean().default(true) });
export const ExportResult = z.object({ out: z.string(), files: z.number().int(), images: z.number().int(), annotations: z.number().int(), warnings: z.array(ItemError) });
export type ExportResult = z.infer<typeof ExportResult>;

export const Counts = z.object({ images: z.number().int(), annotations: z.number().int(), labels: z.number().int(), perLabel: z.record(z.string(), z.number().int()) });
export const VersionDiff = z.object({
  imagesAdded: z.number().int(),
  imagesRemoved: z.number().int(),
  annotationsAdded: z.number().int(),
  annotationsRemoved: z.number().int(),
  labelsAdded: z.array(z.string()),
  labelsRemoved: z.array(z.string()),
});
export const Version = z.object({
  number: z.number().int(),
  parent: z.number().int().nullable(),
  message: z.string(),
  createdAt: z.string(),
  createdBy: z.string(),
  counts: Counts,
  diff: VersionDiff,
  published: z.array(z.object({ format: DatasetFormat, path: z.string(), bytes: z.number(), createdAt: z.string() })),
});
export type Version = z.infer<typeof Version>;
export const VersionCreateInput = z.object({ name: Name, message: z.string().max(2000).default('') });
export const PublishInput = z.object({ name: Name, version: z.number().int().min(1), format: DatasetFormat, out: LocalPath });
/** Publish a version straight to a folder on a cluster node over SFTP (the zip is built locally first). */
export const PublishUploadInput = z.object({ name: Name, version: z.number().int().min(1), format: DatasetFormat })
  .extend(UploadInput.pick({ node: true, remoteDir: true, overwrite: true }).shape);
export type PublishUploadInput = z.input<typeof PublishUploadInput>;
export const PublishResult = z.object({ path: z.string(), bytes: z.number(), files: z.number().int(), warnings: z.array(ItemError) });

export const StatsInput = z.object({ name: Name, version: z.number().int().min(1).optional() });
export const Histogram = z.array(z.object({ from: z.number(), to: z.number(), count: z.number().int() }));
export const Stats = z.object({
  images: z.number().int(),
  annotations: z.number().int(),
  statuses: z.record(z.string(), z.number().int()),
  labels: z.array(z.object({ name: z.string(), annotations: z.number().int(), images: z.number().int(), boxSides: Histogram })),
  /** sqrt(w·h) of every box, in pixels, on power-of-two bins. */
  boxSides: Histogram,
});
export type Stats = z.infer<typeof Stats>;

export const ImagesInput = z.object({
  name: Name,
  /** e.g. "width > 1000 and has label cat"; see the query help. */
  query: z.string().max(2000).default(''),
  status: ImageStatus.optional(),
  offset: z.number().int().min(0).default(0),
  limit: z.number().int().min(1).max(100_000).default(500),
});
export const ImageRow = z.object({
  file: z.string(),
  width: z.number().int().nullable(),
  height: z.number().int().nullable(),
  bytes: z.number(),
  status: ImageStatus,
  annotations: z.number().int(),
  error: z.string().nullable(),
});
export type ImageRow = z.infer<typeof ImageRow>;
export const ImageList = z.object({ total: z.number().int(), items: z.array(ImageRow) });
export type ImageList = z.infer<typeof ImageList>;

export const SaveQueryInput = z.object({ name: Name, query: z.string().min(1).max(2000), title: z.string().trim().min(1).max(200) });
export const SavedQuery = z.object({ title: z.string(), query: z.string() });

export const ThumbnailInput = z.object({ name: Name, file: z.string().min(1).max(4096), size: z.number().int().min(16).max(1024).default(160) });
/** A data: URL (the CSP allows data: images; never file:// or the network). */
export const Thumbnail = z.object({ dataUrl: z.string(), width: z.number().int().nullable(), height: z.number().int().nullable() });

// One image's annotations for the annotation canvas. Every save is committed before it returns.
export const ImageRef = z.object({ name: Name, file: z.string().min(1).max(4096) });
export const Box = z.tuple([z.number(), z.number(), z.number().min(0), z.number().min(0)]);
export const CanvasAnnotation = z.object({
  id: z.number().int(),
  label: z.string(),
  bbox: Box.nullable(),
  polygons: z.array(z.array(z.number())).nullable(),
  iscrowd: z.boolean(),
  hidden: z.boolean(),
  locked: z.boolean(),
});
export type CanvasAnnotation = z.infer<typeof CanvasAnnotation>;
export const AnnotatedImage = z.object({
  file: z.string(),
  width: z.number().int().nullable(),
  height: z.number().int().nullable(),
  status: ImageStatus,
  annotations: z.array(CanvasAnnotation),
  /** Neighbours in file order, for next / previous. */
  previous: z.string().nullable(),
  next: z.string().nullable(),
});
export type AnnotatedImage = z.infer<typeof AnnotatedImage>;
export const SaveAnnotationInput = ImageRef.extend({
  /** null: a new annotation. */
  id: z.number().int().nullable(),
  label: z.string().min(1),
  bbox: Box.nullable(),
  polygons: z.array(z.array(z.number()).min(6)).nullable().default(null),
  hidden: z.boolean().default(false),
  locked: z.boolean().default(false),
});
export const SavedAnnotation = z.object({ id: z.number().int(), savedAt: z.string() });
export const DeleteAnnotationInput = z.object({ name: Name, ids: z.array(z.number().int()).min(1).max(100_000) });
export const SetStatusInput = ImageRef.extend({ status: ImageStatus });

// Keys the annotation screens keep for themselves; a label hotkey may not take one of them.
export const RESERVED_HOTKEYS: Record<string, string> = {
  n: 'next image', p: 'previous image', h: 'hide', l: 'lock', c: 'copy shapes from the previous image',
  g: 'polygon mode', z: 'undo / redo', '?': 'shortcut sheet', ' ': 'pan',
};

/** The label set as edited: `from` is the label's current name (null: a new label), so a rename keeps its annotations. */
export const LabelEdit = LabelDef.extend({ from: z.string().nullable().default(null) });
export const EditLabelsInput = z.object({
  name: Name,
  labels: z.array(LabelEdit).max(10_000),
  /** Labels left out of `labels` are deleted; when they have annotations this must be true (they go too). */
  deleteAnnotations: z.boolean().default(false),
});

/** Classification: the image's whole set of labels (one for single-label datasets; none clears it). */
export const ClassifyInput = ImageRef.extend({ labels: z.array(z.string().min(1)).max(10_000) });
export const Classified = z.object({ labels: z.array(z.string()), savedAt: z.string(), status: ImageStatus });

/** A large image as a tile pyramid (Deep Zoom layout, made with sharp and cached): level L is the image shrunk by 2^(maxLevel − L). */
export const ImageView = z.object({
  width: z.number().int(),
  height: z.number().int(),
  /** false: `overview` is the whole image at full size and there are no tiles. */
  tiled: z.boolean(),
  tileSize: z.number().int(),
  maxLevel: z.number().int(),
  /** A small copy of the whole image, shown at once; `scale` is its size over the full size. */
  overview: z.object({ dataUrl: z.string(), scale: z.number() }),
});
export type ImageView = z.infer<typeof ImageView>;
export const TileInput = ImageRef.extend({ level: z.number().int().min(0).max(40), col: z.number().int().min(0), row: z.number().int().min(0) });
export const Tile = z.object({ dataUrl: z.string() });
