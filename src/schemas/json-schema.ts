import type { JsonSchema } from "../yaml/codec.js";

/**
 * Builders for the JSON Schemas of burnrate's output contracts. Objects list
 * every field a v1 document carries as required; v1 may add fields later, so
 * other properties are allowed, and a consumer that ignores them keeps working.
 */
export const decimalString = (description?: string): JsonSchema => ({
  type: "string",
  pattern: "^-?(?:0|[1-9]\\d*)(?:\\.\\d*[1-9])?$",
  ...(description ? { description } : {}),
});

/** A decimal written with exactly `places` decimals, trailing zeros kept ("50.00"): a figure shown as a percentage. */
export const fixedDecimalString = (places: number, description?: string): JsonSchema => ({
  type: "string",
  pattern: `^-?(?:0|[1-9]\\d*)\\.\\d{${places}}$`,
  ...(description ? { description } : {}),
});

export const instant = (description?: string): JsonSchema => ({
  type: "string",
  format: "date-time",
  ...(description ? { description } : {}),
});

export const str = (description?: string): JsonSchema => ({ type: "string", ...(description ? { description } : {}) });

export const count = (description?: string): JsonSchema => ({ type: "integer", minimum: 0, ...(description ? { description } : {}) });

export const nullable = (schema: JsonSchema): JsonSchema => ({ oneOf: [schema, { type: "null" }] });

export const array = (items: JsonSchema, description?: string): JsonSchema => ({ type: "array", items, ...(description ? { description } : {}) });

export const stringMap = (values: JsonSchema, description?: string): JsonSchema => ({
  type: "object",
  additionalProperties: values,
  ...(description ? { description } : {}),
});

export function object(properties: Record<string, JsonSchema>, description?: string): JsonSchema {
  return { type: "object", ...(description ? { description } : {}), properties, required: Object.keys(properties) };
}

/** The same object schema with more properties that a document carries only sometimes (not required). */
export function withOptional(schema: JsonSchema, properties: Record<string, JsonSchema>): JsonSchema {
  return { ...schema, properties: { ...(schema.properties as Record<string, JsonSchema>), ...properties } };
}

/** A whole contract document: the `schema` field names it and its version. */
export function contract(name: string, title: string, properties: Record<string, JsonSchema>): JsonSchema {
  return {
    $schema: "https://json-schema.org/draft/2020-12/schema",
    $id: `urn:burnrate:schema:${name}`,
    title,
    ...object({ schema: { const: `burnrate.${name}/v1` }, ...properties }),
  };
}

export const cardIdentity = object({ provider: str(), version: str() }, "the rate card the document was computed with");
