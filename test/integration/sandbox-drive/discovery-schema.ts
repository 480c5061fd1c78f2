/**
 * A small validator for schemas in the notation of Google's discovery documents: types, `$ref`,
 * arrays, maps (`additionalProperties`), enums, int32 integers and RFC 3339 date-times. Unknown
 * properties are errors: the point is to catch a sandbox that invents fields Drive never sends.
 * Drive's own schemas come from `loadDriveSchemas` (drive-typings.ts).
 */
export interface DiscoverySchema {
  type?: string;
  $ref?: string;
  format?: string;
  enum?: string[];
  default?: string;
  items?: DiscoverySchema;
  properties?: Record<string, DiscoverySchema>;
  additionalProperties?: DiscoverySchema;
  required?: boolean;
}

const DATE_TIME = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(\.\d{1,9})?(Z|[+-]\d{2}:\d{2})$/;

/** Every problem found, as "path: problem"; empty when the value conforms. */
export function validateAgainst(value: unknown, schema: DiscoverySchema, schemas: Record<string, DiscoverySchema>, path = '$'): string[] {
  if (schema.$ref !== undefined) {
    const target = schemas[schema.$ref];
    return target ? validateAgainst(value, target, schemas, path) : [`${path}: unknown $ref ${schema.$ref}`];
  }
  switch (schema.type) {
    case 'object':
      return validateObject(value, schema, schemas, path);
    case 'array':
      if (!Array.isArray(value)) return [`${path}: expected an array`];
      return value.flatMap((item, index) => (schema.items ? validateAgainst(item, schema.items, schemas, `${path}[${index}]`) : []));
    case 'string':
      return validateString(value, schema, path);
    case 'integer':
      return Number.isInteger(value) && !(schema.format === 'int32' && Math.abs(value as number) > 2 ** 31)
        ? []
        : [`${path}: expected an ${schema.format ?? 'integer'}`];
    case 'number':
      return typeof value === 'number' && Number.isFinite(value) ? [] : [`${path}: expected a number`];
    case 'boolean':
      return typeof value === 'boolean' ? [] : [`${path}: expected a boolean`];
    case 'any':
      return [];
    default:
      return [`${path}: schema without a known type (${String(schema.type)})`];
  }
}

function validateObject(value: unknown, schema: DiscoverySchema, schemas: Record<string, DiscoverySchema>, path: string): string[] {
  if (typeof value !== 'object' || value === null || Array.isArray(value)) return [`${path}: expected an object`];
  const problems: string[] = [];
  for (const [key, child] of Object.entries(value)) {
    const childSchema = schema.properties?.[key] ?? schema.additionalProperties;
    if (!childSchema) problems.push(`${path}.${key}: not in the schema`);
    else problems.push(...validateAgainst(child, childSchema, schemas, `${path}.${key}`));
  }
  for (const [key, child] of Object.entries(schema.properties ?? {})) {
    if (child.required && !(key in value)) problems.push(`${path}.${key}: required`);
  }
  return problems;
}

function validateString(value: unknown, schema: DiscoverySchema, path: string): string[] {
  if (typeof value !== 'string') return [`${path}: expected a string${schema.format ? ` (${schema.format})` : ''}`];
  if (schema.enum && !schema.enum.includes(value)) return [`${path}: ${value} is not one of ${schema.enum.join(', ')}`];
  if (schema.format === 'date-time' && !(DATE_TIME.test(value) && Number.isFinite(Date.parse(value)))) return [`${path}: expected an RFC 3339 date-time`];
  return [];
}

/**
 * Google's JSON error body. Neither discovery documents nor the generated typings describe it, so it
 * is written here in the same notation (from the published error format), and checked with the same
 * validator.
 */
export const GOOGLE_ERROR_SCHEMA: DiscoverySchema = {
  type: 'object',
  properties: {
    error: {
      type: 'object',
      required: true,
      properties: {
        code: { type: 'integer', format: 'int32', required: true },
        message: { type: 'string', required: true },
        status: { type: 'string' },
        errors: {
          type: 'array',
          required: true,
          items: {
            type: 'object',
            properties: {
              domain: { type: 'string', required: true },
              reason: { type: 'string', required: true },
              message: { type: 'string', required: true },
              location: { type: 'string' },
              locationType: { type: 'string', enum: ['header', 'parameter'] },
            },
          },
        },
      },
    },
  },
};
