/**
 * Jobs and templates. createJobsService/createTemplatesService implement the contract's
 * JobsService/TemplatesService over the store (migration 0005), the built-in templates
 * (resources/templates) and the Slurm clients (main/protocols/slurm).
 */
export { createJobsService, type JobsDeps } from './jobService';
export { createTemplatesService, type ResolvedTemplate } from './templateService';
export { JobStore } from './jobStore';
export { renderTemplate, lintTemplate } from './render';
export { BUILTIN_TEMPLATES } from './builtinTemplates';
