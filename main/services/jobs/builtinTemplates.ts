// The templates shipped with ClusterDeck (resources/templates), bundled so they work offline.
import { TemplateBody } from '../../../shared/contract/schemas/jobs';
import horovod from '../../../resources/templates/horovod.json';
import jupyter from '../../../resources/templates/jupyter.json';
import jupyterK8s from '../../../resources/templates/jupyter-k8s.json';
import k8sJob from '../../../resources/templates/k8s-job.json';
import pytorchDdp from '../../../resources/templates/pytorch-ddp.json';
import shell from '../../../resources/templates/shell.json';
import slurmMpi from '../../../resources/templates/slurm-mpi.json';
import slurmSingleGpu from '../../../resources/templates/slurm-single-gpu.json';
import tensorboard from '../../../resources/templates/tensorboard.json';
import tensorboardK8s from '../../../resources/templates/tensorboard-k8s.json';
import tensorflow from '../../../resources/templates/tensorflow.json';
import volcanoJob from '../../../resources/templates/volcano-job.json';

export const BUILTIN_TEMPLATES: readonly TemplateBody[] = [slurmSingleGpu, slurmMpi, pytorchDdp, horovod, tensorflow, jupyter, tensorboard, shell, k8sJob, volcanoJob, jupyterK8s, tensorboardK8s].map((t) => TemplateBody.parse(t));
