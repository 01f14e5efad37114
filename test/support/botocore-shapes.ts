/**
 * Checks a value against a shape of an AWS service model as botocore ships
 * it (Debian's python3-botocore: botocore/data/<service>/<version>/service-2.json):
 * structures (required members, no unknown member), lists and maps
 * (min/max), strings (min/max, enum), numbers and booleans. Returns one line
 * per violation, with the path to it.
 */
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';

interface Shape {
  type: string;
  required?: string[];
  members?: Record<string, { shape: string }>;
  member?: { shape: string };
  key?: { shape: string };
  value?: { shape: string };
  min?: number;
  max?: number;
  enum?: string[];
}

export interface ServiceModel {
  shapes: Record<string, Shape>;
  operations: Record<string, { http: { method: string; requestUri: string }; input?: { shape: string } }>;
}

const BOTOCORE_DATA = '/usr/lib/python3/dist-packages/botocore/data';

/** The newest model of a service, or undefined when botocore is not installed. */
export function loadServiceModel(service: string): ServiceModel | undefined {
  const dir = join(BOTOCORE_DATA, service);
  if (!existsSync(dir)) return undefined;
  const version = readdirSync(dir).sort().at(-1)!;
  return JSON.parse(readFileSync(join(dir, version, 'service-2.json'), 'utf8')) as ServiceModel;
}

export function checkShape(
  model: ServiceModel,
  shapeName: string,
  value: unknown,
  path: string,
  allowExtra: ReadonlySet<string> = new Set(),
): string[] {
  const shape = model.shapes[shapeName];
  if (!shape) return [`${path}: unknown shape ${shapeName}`];
  const errors: string[] = [];
  const bounds = (n: number, what: string) => {
    if (shape.min !== undefined && n < shape.min) errors.push(`${path}: ${what} ${n} < min ${shape.min}`);
    if (shape.max !== undefined && n > shape.max) errors.push(`${path}: ${what} ${n} > max ${shape.max}`);
  };
  switch (shape.type) {
    case 'structure': {
      if (typeof value !== 'object' || value === null || Array.isArray(value)) return [`${path}: not an object`];
      const v = value as Record<string, unknown>;
      for (const r of shape.required ?? []) if (v[r] === undefined) errors.push(`${path}.${r}: required`);
      for (const [k, x] of Object.entries(v)) {
        const m = shape.members?.[k];
        if (!m) {
          if (!allowExtra.has(`${shapeName}.${k}`)) errors.push(`${path}.${k}: not a member of ${shapeName}`);
          continue;
        }
        errors.push(...checkShape(model, m.shape, x, `${path}.${k}`, allowExtra));
      }
      return errors;
    }
    case 'list':
      if (!Array.isArray(value)) return [`${path}: not a list`];
      bounds(value.length, 'length');
      value.forEach((x, i) => errors.push(...checkShape(model, shape.member!.shape, x, `${path}[${i}]`, allowExtra)));
      return errors;
    case 'map':
      if (typeof value !== 'object' || value === null) return [`${path}: not a map`];
      bounds(Object.keys(value).length, 'entries');
      for (const [k, x] of Object.entries(value)) {
        errors.push(...checkShape(model, shape.key!.shape, k, `${path} key`, allowExtra));
        errors.push(...checkShape(model, shape.value!.shape, x, `${path}.${k}`, allowExtra));
      }
      return errors;
    case 'string':
      if (typeof value !== 'string') return [`${path}: not a string`];
      bounds(value.length, 'length');
      if (shape.enum && !shape.enum.includes(value)) errors.push(`${path}: ${value} not in ${shape.enum.join('|')}`);
      return errors;
    case 'integer':
    case 'long':
      return Number.isInteger(value) ? [] : [`${path}: not an integer`];
    case 'double':
    case 'float':
      return typeof value === 'number' ? [] : [`${path}: not a number`];
    case 'boolean':
      return typeof value === 'boolean' ? [] : [`${path}: not a boolean`];
    default:
      return [];
  }
}
