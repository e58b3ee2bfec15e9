// The OpenAPI document (docs/openapi.md) is valid OpenAPI 3.1, by the OpenAPI Initiative's own JSON
// Schema as @seriousme/openapi-schema-validator applies it. In Node: the validator reads its schemas
// from disk and compiles them with Ajv, neither of which workerd allows.
import { Validator } from '@seriousme/openapi-schema-validator';
import { describe, expect, it } from 'vitest';
import { openApiDocument } from '../../worker/openapi/document';

async function validation(document: unknown) {
  const validator = new Validator();
  const result = await validator.validate(document as Record<string, unknown>);
  return { ...result, version: validator.version };
}

describe('the OpenAPI document', () => {
  it('is valid OpenAPI 3.1', async () => {
    const result = await validation(openApiDocument());
    expect(result.errors).toBeUndefined();
    expect(result).toMatchObject({ valid: true, version: '3.1' });
  });

  it('would be refused with a response that has no description, or a reference to nothing', async () => {
    const noDescription = structuredClone(openApiDocument()) as unknown as {
      paths: Record<string, Record<string, { responses: Record<string, { description?: string }> }>>;
    };
    delete noDescription.paths['/login']?.post?.responses['200']?.description;
    expect((await validation(noDescription)).valid).toBe(false);

    const dangling = JSON.parse(
      JSON.stringify(openApiDocument()).replace(
        '#/components/schemas/LoginBody',
        '#/components/schemas/Nothing',
      ),
    );
    expect((await validation(dangling)).valid).toBe(false);
  });
});
