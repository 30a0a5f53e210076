/** The JSON Schema of a collection's queryables (OGC API – Features Part 3), from collections.ts. */
import type { CollectionDef, PropertyDef } from '../collections.js';
import { queryables } from './params.js';

function propertySchema(p: PropertyDef): Record<string, unknown> {
  const s: Record<string, unknown> = { title: `${p.ko} / ${p.en}` };
  if (p.enum) return { ...s, type: 'string', enum: p.enum };
  switch (p.type) {
    case 'integer':
      return {
        ...s,
        type: 'integer',
        ...(p.minimum !== undefined ? { minimum: p.minimum } : {}),
        ...(p.maximum !== undefined ? { maximum: p.maximum } : {}),
      };
    case 'number':
      return { ...s, type: 'number' };
    case 'boolean':
      return { ...s, type: 'boolean' };
    case 'month':
      return { ...s, type: 'string', pattern: '^\\d{4}-(0[1-9]|1[0-2])$' };
    case 'date':
      return { ...s, type: 'string', format: 'date' };
    default:
      return { ...s, type: 'string', ...(p.maxLength ? { maxLength: p.maxLength } : {}) };
  }
}

/** `GET /collections/{id}/queryables`: the properties usable as `{property}=value` filters. */
export function queryablesSchema(def: CollectionDef, selfUrl: string): Record<string, unknown> {
  const properties: Record<string, unknown> = {};
  for (const p of queryables(def)) properties[p.name] = propertySchema(p);
  if (def.datetimeColumn) {
    properties.datetime = {
      title: 'datetime (RFC 3339 instant or interval)',
      type: 'string',
      format: 'date',
      'x-ogc-role': 'primary-instant',
    };
  }
  return {
    $schema: 'https://json-schema.org/draft/2020-12/schema',
    $id: selfUrl,
    type: 'object',
    title: `${def.ko} (${def.en})`,
    properties,
    additionalProperties: false,
  };
}
