import { z } from 'zod';
import { procedure, router } from '../trpc';
import * as ds from '../schemas/datasets';
import { TransferEvent } from '../schemas/files';

export const datasetsRouter = router({
  list: procedure.output(z.array(ds.DatasetSummary)).query(({ ctx }) => ctx.services.datasets.list()),
  get: procedure.input(ds.DatasetRef).output(ds.DatasetSummary).query(({ ctx, input }) => ctx.services.datasets.get(input.name)),
  /** Records a folder of images where it is (nothing is copied) and reads each image's size. */
  pyramids: procedure.output(ds.PyramidProgress).query(({ ctx }) => ctx.services.datasets.pyramids()),
  create: procedure.input(ds.CreateInput).output(ds.CreateResult).mutation(({ ctx, input }) => ctx.services.datasets.create(ctx.actor, input)),
  remove: procedure.input(ds.DatasetRef).output(z.object({ removed: z.boolean() })).mutation(({ ctx, input }) => ctx.services.datasets.remove(ctx.actor, input.name)),
  import: procedure.input(ds.ImportInput).output(ds.ImportResult).mutation(({ ctx, input }) => ctx.services.datasets.importAnnotations(ctx.actor, input)),
  export: procedure.input(ds.ExportInput).output(ds.ExportResult).mutation(({ ctx, input }) => ctx.services.datasets.exportAnnotations(ctx.actor, input)),
  images: procedure.input(ds.ImagesInput).output(ds.ImageList).query(({ ctx, input }) => ctx.services.datasets.images(input)),
  thumbnail: procedure.input(ds.ThumbnailInput).output(ds.Thumbnail).query(({ ctx, input }) => ctx.services.datasets.thumbnail(input)),
  stats: procedure.input(ds.StatsInput).output(ds.Stats).query(({ ctx, input }) => ctx.services.datasets.stats(input)),
  versions: procedure.input(ds.DatasetRef).output(z.array(ds.Version)).query(({ ctx, input }) => ctx.services.datasets.versions(input.name)),
  createVersion: procedure.input(ds.VersionCreateInput).output(ds.Version).mutation(({ ctx, input }) => ctx.services.datasets.createVersion(ctx.actor, input)),
  publish: procedure.input(ds.PublishInput).output(ds.PublishResult).mutation(({ ctx, input }) => ctx.services.datasets.publish(ctx.actor, input)),
  /** Publish to a folder on a node: the upload's progress events; unsubscribing cancels it. */
  publishUpload: procedure.input(ds.PublishUploadInput).subscription(async function* ({ ctx, input, signal }) {
    for await (const ev of ctx.services.datasets.publishUpload(ctx.actor, input, signal)) yield TransferEvent.parse(ev);
  }),
  queries: procedure.input(ds.DatasetRef).output(z.array(ds.SavedQuery)).query(({ ctx, input }) => ctx.services.datasets.queries(input.name)),
  saveQuery: procedure.input(ds.SaveQueryInput).output(ds.SavedQuery).mutation(({ ctx, input }) => ctx.services.datasets.saveQuery(ctx.actor, input)),
  /** One image's annotations for the canvas. */
  annotations: procedure.input(ds.ImageRef).output(ds.AnnotatedImage).query(({ ctx, input }) => ctx.services.datasets.annotations(input)),
  /** Committed to SQLite before it answers: the UI shows "saved" only after this returns. */
  saveAnnotation: procedure.input(ds.SaveAnnotationInput).output(ds.SavedAnnotation).mutation(({ ctx, input }) => ctx.services.datasets.saveAnnotation(ctx.actor, input)),
  deleteAnnotations: procedure.input(ds.DeleteAnnotationInput).output(z.object({ deleted: z.number().int() })).mutation(({ ctx, input }) => ctx.services.datasets.deleteAnnotations(ctx.actor, input)),
  /** Add, rename, recolor, re-key and delete labels in one step; hotkey conflicts are refused. */
  editLabels: procedure.input(ds.EditLabelsInput).output(ds.DatasetSummary).mutation(({ ctx, input }) => ctx.services.datasets.editLabels(ctx.actor, input)),
  /** Sets one image's classification labels, committed before it answers. */
  classify: procedure.input(ds.ClassifyInput).output(ds.Classified).mutation(({ ctx, input }) => ctx.services.datasets.classify(ctx.actor, input)),
  /** How to show an image: a small overview at once, and tiles for large images. */
  imageView: procedure.input(ds.ImageRef).output(ds.ImageView).query(({ ctx, input }) => ctx.services.datasets.imageView(input)),
  imageTile: procedure.input(ds.TileInput).output(ds.Tile).query(({ ctx, input }) => ctx.services.datasets.imageTile(input)),
  setStatus: procedure.input(ds.SetStatusInput).output(z.object({ status: z.string() })).mutation(({ ctx, input }) => ctx.services.datasets.setStatus(ctx.actor, input)),
});
