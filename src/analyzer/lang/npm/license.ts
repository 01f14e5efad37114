/** npm's licence fields, old and new: `"license": "MIT"`, `{type}`, `"licenses": [...]`. */
export function npmLicenses(json: Record<string, unknown>): string[] {
  const out: string[] = [];
  const add = (v: unknown): void => {
    if (typeof v === 'string' && v.trim()) out.push(v.trim().slice(0, 200));
    else if (v && typeof v === 'object' && typeof (v as { type?: unknown }).type === 'string')
      out.push((v as { type: string }).type.slice(0, 200));
  };
  add(json['license']);
  if (Array.isArray(json['licenses'])) for (const l of json['licenses'].slice(0, 20)) add(l);
  return [...new Set(out)];
}
