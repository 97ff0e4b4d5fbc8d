// Built-in templates (read-only, from resources/templates) and custom ones (versioned in the
// store): list, show, save a new version, clone, delete, export and import as JSON files.
import type { TemplatesService } from '../../../shared/contract/services';
import type { Actor } from '../../../shared/contract/trpc';
import { TemplateBody, type Template, type TemplateSummary } from '../../../shared/contract/schemas/jobs';
import { AppError } from '../../../shared/errors';
import type { AuditLog } from '../audit/auditLog';
import { BUILTIN_TEMPLATES } from './builtinTemplates';
import type { JobStore } from './jobStore';
import { assertTemplate } from './render';

export interface ResolvedTemplate { body: TemplateBody; version: number; builtin: boolean }

export function createTemplatesService(store: JobStore, audit: AuditLog): TemplatesService & { resolve(name: string, version?: number): ResolvedTemplate } {
  const builtin = (name: string) => BUILTIN_TEMPLATES.find((t) => t.name === name);

  function resolve(name: string, version?: number): ResolvedTemplate {
    const versions = store.templateVersions(name);
    if (versions.length > 0) {
      const v = version === undefined ? versions[versions.length - 1] : versions.find((x) => x.version === version);
      if (!v) throw new AppError('TEMPLATE_VERSION_NOT_FOUND', `template ${name} has no version ${version} (it has ${versions.map((x) => x.version).join(', ')})`, { name });
      return { body: TemplateBody.parse(v.body), version: v.version, builtin: false };
    }
    const b = builtin(name);
    if (!b) {
      const all = [...BUILTIN_TEMPLATES.map((t) => t.name), ...store.templateNames()];
      throw new AppError('TEMPLATE_NOT_FOUND', `no template named ${name} (templates: ${all.join(', ')})`, { name });
    }
    if (version !== undefined && version !== 1) throw new AppError('TEMPLATE_VERSION_NOT_FOUND', `built-in template ${name} has only version 1`, { name });
    return { body: b, version: 1, builtin: true };
  }

  function summary(name: string): Template {
    const r = resolve(name);
    const versions = r.builtin ? [1] : store.templateVersions(name).map((v) => v.version);
    const updatedAt = r.builtin ? null : store.templateVersions(name).pop()!.created_at;
    return { name, title: r.body.title, target: r.body.target, version: r.version, builtin: r.builtin, versions, updatedAt, body: r.body };
  }

  function parseBody(raw: unknown): TemplateBody {
    const p = TemplateBody.safeParse(raw);
    if (!p.success) {
      const why = p.error.issues.map((i) => `${i.path.join('.') || '(top)'}: ${i.message}`).join('; ');
      throw new AppError('TEMPLATE_INVALID', `not a ClusterDeck template: ${why}`);
    }
    assertTemplate(p.data);
    return p.data;
  }

  function save(actor: Actor, raw: TemplateBody, action: string): Template {
    const body = parseBody(raw);
    if (builtin(body.name)) throw new AppError('TEMPLATE_BUILTIN', `${body.name} is a built-in template; clone it to a new name to change it`, { name: body.name });
    const version = audit.record(actor, { module: 'templates', action, targets: body.name }, () => store.addTemplateVersion(body, actor.user), (v) => ({ detail: `version ${v}` }));
    return { ...summary(body.name), version };
  }

  return {
    resolve,
    list(): TemplateSummary[] {
      const names = [...BUILTIN_TEMPLATES.map((t) => t.name), ...store.templateNames().filter((n) => !builtin(n))];
      return names.map((n) => {
        const { body: _b, ...s } = summary(n);
        return s;
      });
    },
    get(ref) {
      const s = summary(ref.name);
      if (ref.version === undefined) return s;
      const r = resolve(ref.name, ref.version);
      return { ...s, version: r.version, body: r.body };
    },
    save: (actor, input) => save(actor, input.body, 'save'),
    clone(actor, input) {
      const src = resolve(input.from);
      if (builtin(input.to) || store.templateNames().includes(input.to)) throw new AppError('TEMPLATE_EXISTS', `a template named ${input.to} already exists`, { name: input.to });
      return save(actor, { ...src.body, name: input.to, title: `${src.body.title} (copy)` }, 'clone');
    },
    remove(actor, name) {
      if (builtin(name)) throw new AppError('TEMPLATE_BUILTIN', `${name} is a built-in template and cannot be deleted`, { name });
      audit.record(actor, { module: 'templates', action: 'delete', targets: name }, () => {
        if (store.removeTemplate(name) === 0) throw new AppError('TEMPLATE_NOT_FOUND', `no custom template named ${name}`, { name });
      });
    },
    exportText(ref) {
      const r = resolve(ref.name, ref.version);
      return { filename: `${r.body.name}.v${r.version}.json`, text: JSON.stringify(r.body, null, 2) + '\n' };
    },
    importText(actor, input) {
      let raw: unknown;
      try {
        raw = JSON.parse(input.text);
      } catch (err) {
        throw new AppError('TEMPLATE_INVALID', `the file is not JSON: ${(err as Error).message}`);
      }
      const body = parseBody(raw);
      if (!input.replace && store.templateNames().includes(body.name)) {
        throw new AppError('TEMPLATE_EXISTS', `a custom template named ${body.name} exists; import with --replace to add a new version`, { name: body.name });
      }
      return save(actor, body, 'import');
    },
  };
}
