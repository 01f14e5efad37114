/**
 * The structural rules of an OpenAPI 3.0 document (OAS 3.0.3, sections 4.7:
 * OpenAPI, Info, Paths, Path Item, Operation, Parameter, Responses, Response,
 * Schema objects) as a JSON schema for ajv, written from the specification's
 * text: the official JSON schema is not available offline here. Schema
 * objects are held to 3.0's dialect (a single `type` string, `nullable`, no
 * `const`), which is where a generator most often slips.
 */
const schemaObject = {
  $id: 'schema-object',
  type: 'object',
  properties: {
    type: { enum: ['object', 'array', 'string', 'number', 'integer', 'boolean'] },
    nullable: { type: 'boolean' },
    properties: { type: 'object', additionalProperties: { $ref: 'schema-object' } },
    items: { $ref: 'schema-object' },
    additionalProperties: { anyOf: [{ type: 'boolean' }, { $ref: 'schema-object' }] },
    required: { type: 'array', items: { type: 'string' }, minItems: 1 },
    enum: { type: 'array', minItems: 1 },
    allOf: { type: 'array', items: { $ref: 'schema-object' } },
    anyOf: { type: 'array', items: { $ref: 'schema-object' } },
    oneOf: { type: 'array', items: { $ref: 'schema-object' } },
    not: { $ref: 'schema-object' },
    $ref: { type: 'string' },
  },
  not: { anyOf: [{ required: ['const'] }, { required: ['$schema'] }, { required: ['examples'] }] },
};

const parameter = {
  type: 'object',
  required: ['name', 'in'],
  properties: {
    name: { type: 'string', minLength: 1 },
    in: { enum: ['query', 'header', 'path', 'cookie'] },
    required: { type: 'boolean' },
    schema: { $ref: 'schema-object' },
  },
  if: { properties: { in: { const: 'path' } } },
  then: { required: ['required'], properties: { required: { const: true } } },
};

const operation = {
  type: 'object',
  required: ['responses'],
  properties: {
    summary: { type: 'string' },
    parameters: { type: 'array', items: parameter },
    requestBody: {
      type: 'object',
      required: ['content'],
      properties: {
        content: {
          type: 'object',
          additionalProperties: { type: 'object', properties: { schema: { $ref: 'schema-object' } } },
        },
      },
    },
    responses: {
      type: 'object',
      minProperties: 1,
      propertyNames: { pattern: '^([1-5][0-9X][0-9X]|default)$' },
      additionalProperties: {
        type: 'object',
        required: ['description'],
        properties: {
          description: { type: 'string' },
          content: {
            type: 'object',
            additionalProperties: { type: 'object', properties: { schema: { $ref: 'schema-object' } } },
          },
        },
      },
    },
  },
};

export const openApi30Structure = {
  type: 'object',
  required: ['openapi', 'info', 'paths'],
  properties: {
    openapi: { type: 'string', pattern: '^3\\.0\\.\\d+$' },
    info: {
      type: 'object',
      required: ['title', 'version'],
      properties: { title: { type: 'string' }, version: { type: 'string' } },
    },
    paths: {
      type: 'object',
      propertyNames: { pattern: '^/' },
      additionalProperties: {
        type: 'object',
        propertyNames: {
          enum: [
            'get',
            'put',
            'post',
            'delete',
            'options',
            'head',
            'patch',
            'trace',
            'summary',
            'description',
            'parameters',
            'servers',
            '$ref',
          ],
        },
        properties: Object.fromEntries(
          ['get', 'put', 'post', 'delete', 'options', 'head', 'patch', 'trace'].map((m) => [m, operation]),
        ),
      },
    },
    components: { type: 'object' },
  },
};

export const schemaObjectSchema = schemaObject;

/** Path templates whose `{name}` has no path parameter of that name in an operation (OAS 3.0 4.7.12: required). */
export function unboundPathParameters(doc: {
  paths: Record<string, Record<string, { parameters?: { name: string; in: string }[] }>>;
}): string[] {
  const out: string[] = [];
  for (const [path, item] of Object.entries(doc.paths))
    for (const [method, op] of Object.entries(item)) {
      const names = [...path.matchAll(/\{([^}]+)\}/g)].map((m) => m[1]);
      for (const n of names)
        if (!(op.parameters ?? []).some((p) => p.in === 'path' && p.name === n)) out.push(`${method} ${path}: {${n}}`);
    }
  return out;
}
