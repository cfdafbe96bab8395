/**
 * PLACEHOLDER so the CDK app (src/infra) can bundle an entry file at this path. The `lambda` branch
 * writes the real handler here; its version replaces this file when the branches are merged.
 */
export async function handler(_event: unknown): Promise<{ readonly placeholder: true }> {
  return { placeholder: true };
}
