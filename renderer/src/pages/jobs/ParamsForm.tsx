import { Form, Input, InputNumber, Select, Switch } from 'antd';
import type { FormInstance } from 'antd';
import type { Params, TemplateBody } from '../../../../shared/contract/schemas/jobs';

type Prop = TemplateBody['parameters']['properties'][string];

/** Maps are edited as NAME=value lines. */
export function linesToMap(text: string): Record<string, string> {
  const out: Record<string, string> = {};
  for (const line of text.split('\n')) {
    const eq = line.indexOf('=');
    if (eq > 0) out[line.slice(0, eq).trim()] = line.slice(eq + 1);
  }
  return out;
}

/** Form values to template parameters (only what the user set; defaults come from the schema). */
export function formToParams(body: TemplateBody, values: Record<string, unknown>): Params {
  const out: Params = {};
  for (const [k, p] of Object.entries(body.parameters.properties)) {
    const v = values[k];
    if (v === undefined || v === null) continue;
    out[k] = p.type === 'object' ? linesToMap(String(v)) : (v as Params[string]);
  }
  return out;
}

export function initialValues(body: TemplateBody): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  for (const [k, p] of Object.entries(body.parameters.properties)) {
    if (p.default === undefined) continue;
    out[k] = p.type === 'object' ? Object.entries(p.default as Record<string, string>).map(([a, b]) => `${a}=${b}`).join('\n') : p.default;
  }
  return out;
}

function field(p: Prop) {
  if (p.enum) return <Select options={p.enum.map((e) => ({ value: e, label: String(e) }))} />;
  switch (p.type) {
    case 'integer':
    case 'number':
      return <InputNumber min={p.minimum} max={p.maximum} precision={p.type === 'integer' ? 0 : undefined} style={{ width: '100%' }} />;
    case 'boolean':
      return <Switch />;
    case 'array':
      return <Select mode="tags" tokenSeparators={[]} open={false} />;
    case 'object':
      return <Input.TextArea autoSize={{ minRows: 2, maxRows: 8 }} placeholder="NAME=value" />;
    default:
      return <Input />;
  }
}

/** A form rendered from the template's JSON Schema (the subset templates use). */
export function ParamsForm({ body, form, onChange }: { body: TemplateBody; form: FormInstance; onChange: () => void }) {
  const required = new Set(body.parameters.required);
  return (
    <Form form={form} layout="vertical" size="small" initialValues={initialValues(body)} onValuesChange={onChange} data-testid="job-params-form">
      {Object.entries(body.parameters.properties).map(([k, p]) => (
        <Form.Item key={k} name={k} label={p.title ?? k} tooltip={p.description} required={required.has(k)} valuePropName={p.type === 'boolean' ? 'checked' : 'value'}>
          {field(p)}
        </Form.Item>
      ))}
    </Form>
  );
}
