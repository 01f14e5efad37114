/** json, yaml, base64, hex and urlquery built-ins. YAML from policies' inputs is untrusted: parsed with bounds. */
import { stringify } from 'yaml';
import { parseUntrustedYaml } from '../../util/untrusted-yaml.js';
import { goValue } from './strings.js';
import { fromJson, RObject, toJson, type Value } from '../value.js';
import { elements, fail, str, type BuiltinTable } from './types.js';

function jsonParse(s: string): Value {
  try {
    return fromJson(JSON.parse(s) as unknown);
  } catch (err) {
    return fail(`json.unmarshal: ${(err as Error).message}`);
  }
}

function yamlParse(s: string): Value {
  try {
    return fromJson(parseUntrustedYaml(s));
  } catch (err) {
    return fail(`yaml.unmarshal: ${(err as Error).message.split('\n')[0]}`);
  }
}

function base64Decode(s: string, url: boolean): string {
  const clean = url ? s.replace(/-/g, '+').replace(/_/g, '/') : s;
  if (!/^[A-Za-z0-9+/]*={0,2}$/.test(clean) || (!url && clean.length % 4 !== 0))
    fail('base64.decode: illegal base64 data');
  return Buffer.from(clean, 'base64').toString('utf8');
}

/** Go's url.QueryEscape: space as `+`, unreserved kept, the rest percent-encoded. */
function queryEscape(s: string): string {
  return encodeURIComponent(s)
    .replace(/%20/g, '+')
    .replace(/[!'()*]/g, (c) => `%${c.charCodeAt(0).toString(16).toUpperCase()}`);
}

export const ENCODING: BuiltinTable = {
  'json.marshal': { arity: 1, types: ['any'], fn: ([v]) => JSON.stringify(toJson(v!)) },
  'json.marshal_with_options': {
    arity: 2,
    types: ['any', 'object'],
    fn: ([v, o]) => {
      const opts = o as RObject;
      const pretty = opts.getStr('pretty') === true || opts.getStr('indent') !== undefined;
      const indent = (opts.getStr('indent') as string | undefined) ?? '\t';
      const prefix = (opts.getStr('prefix') as string | undefined) ?? '';
      if (!pretty) return JSON.stringify(toJson(v!));
      return JSON.stringify(toJson(v!), null, indent)
        .split('\n')
        .map((l) => prefix + l)
        .join('\n');
    },
  },
  'json.unmarshal': { arity: 1, types: ['string'], fn: ([s]) => jsonParse(str(s!)) },
  'json.is_valid': {
    arity: 1,
    types: ['any'],
    fn: ([s]) => {
      if (typeof s !== 'string') return false;
      try {
        JSON.parse(s);
        return true;
      } catch {
        return false;
      }
    },
  },
  'yaml.marshal': { arity: 1, types: ['any'], fn: ([v]) => stringify(toJson(v!)) },
  'yaml.unmarshal': { arity: 1, types: ['string'], fn: ([s]) => yamlParse(str(s!)) },
  'yaml.is_valid': {
    arity: 1,
    types: ['any'],
    fn: ([s]) => {
      if (typeof s !== 'string') return false;
      try {
        parseUntrustedYaml(s);
        return true;
      } catch {
        return false;
      }
    },
  },
  'base64.encode': { arity: 1, types: ['string'], fn: ([s]) => Buffer.from(str(s!), 'utf8').toString('base64') },
  'base64.decode': { arity: 1, types: ['string'], fn: ([s]) => base64Decode(str(s!), false) },
  'base64.is_valid': {
    arity: 1,
    types: ['string'],
    fn: ([s]) => /^[A-Za-z0-9+/]*={0,2}$/.test(str(s!)) && str(s!).length % 4 === 0,
  },
  'base64url.encode': {
    arity: 1,
    types: ['string'],
    fn: ([s]) => Buffer.from(str(s!), 'utf8').toString('base64').replace(/\+/g, '-').replace(/\//g, '_'),
  },
  'base64url.encode_no_pad': {
    arity: 1,
    types: ['string'],
    fn: ([s]) => Buffer.from(str(s!), 'utf8').toString('base64url'),
  },
  'base64url.decode': { arity: 1, types: ['string'], fn: ([s]) => base64Decode(str(s!).replace(/=+$/, ''), true) },
  'hex.encode': { arity: 1, types: ['string'], fn: ([s]) => Buffer.from(str(s!), 'utf8').toString('hex') },
  'hex.decode': {
    arity: 1,
    types: ['string'],
    fn: ([s]) =>
      /^([0-9a-fA-F]{2})*$/.test(str(s!))
        ? Buffer.from(str(s!), 'hex').toString('utf8')
        : fail('hex.decode: invalid hex'),
  },
  'urlquery.encode': { arity: 1, types: ['string'], fn: ([s]) => queryEscape(str(s!)) },
  'urlquery.decode': {
    arity: 1,
    types: ['string'],
    fn: ([s]) => {
      try {
        return decodeURIComponent(str(s!).replace(/\+/g, ' '));
      } catch {
        return fail('urlquery.decode: invalid escape');
      }
    },
  },
  'urlquery.encode_object': {
    arity: 1,
    types: ['object'],
    fn: ([o]) =>
      (o as RObject)
        .sortedEntries()
        .flatMap(([k, v]) =>
          (typeof v === 'string' ? [v] : elements(v)).map(
            (x) => `${queryEscape(goValue(k))}=${queryEscape(goValue(x))}`,
          ),
        )
        .join('&'),
  },
};
