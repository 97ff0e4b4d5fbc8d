// Kubernetes resource quantities ("8", "500m", "64Gi", "1.5", "2e3"), enough to subtract what a
// Volcano queue has allocated from its capability and write the rest in the capability's unit.

const DECIMAL: Record<string, number> = { m: 1e-3, '': 1, k: 1e3, M: 1e6, G: 1e9, T: 1e12, P: 1e15, E: 1e18 };
const BINARY: Record<string, number> = { Ki: 2 ** 10, Mi: 2 ** 20, Gi: 2 ** 30, Ti: 2 ** 40, Pi: 2 ** 50, Ei: 2 ** 60 };

/** The quantity's value and its suffix, or null when it is not a quantity. */
export function parseQuantity(q: string): { value: number; suffix: string } | null {
  const m = /^([+]?(?:\d+(?:\.\d*)?|\.\d+))(m|k|M|G|T|P|E|Ki|Mi|Gi|Ti|Pi|Ei|[eE][+-]?\d+)?$/.exec(q.trim());
  if (!m) return null;
  const n = Number(m[1]);
  const suffix = m[2] ?? '';
  if (/^[eE]/.test(suffix)) return { value: n * 10 ** Number(suffix.slice(1)), suffix: '' };
  return { value: n * (BINARY[suffix] ?? DECIMAL[suffix]), suffix };
}

/** capability − allocated per resource of the capability, in the capability's unit (never below 0). */
export function available(capability: Record<string, string> | null, allocated: Record<string, string> | null): Record<string, string> | null {
  if (!capability) return null;
  const out: Record<string, string> = {};
  for (const [name, cap] of Object.entries(capability)) {
    const c = parseQuantity(cap);
    if (!c) continue;
    const used = allocated?.[name] ? parseQuantity(allocated[name]) : null;
    const rest = Math.max(0, c.value - (used?.value ?? 0));
    const unit = BINARY[c.suffix] ?? DECIMAL[c.suffix];
    out[name] = `${Math.round((rest / unit) * 1000) / 1000}${c.suffix}`;
  }
  return out;
}
