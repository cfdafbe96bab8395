import { describe, expect, it } from 'vitest';
import { renderJson } from '../../src/cli/render/json.js';
import { sampleReport } from './render-helpers.js';

describe('renderJson', () => {
  it('round-trips the report with 2-space indentation and a final newline', () => {
    // Prepare
    const report = sampleReport();
    // Act
    const text = renderJson(report);
    // Assess
    expect(text.endsWith('}\n')).toBe(true);
    expect(text).toContain('\n  "schemaVersion": 2,');
    expect(JSON.parse(text)).toEqual(report);
  });
});
