import { describe, expect, it } from 'vitest';
import { formatConfigurationId, type BenchmarkConfiguration } from './configuration';
import { LLAMA_8B_ON_A100 } from './configuration.test-util';
import { isBenchmarkRunnerImage, readStepAttempt, readStepConfigurations } from './runner';

const c: BenchmarkConfiguration = { ...LLAMA_8B_ON_A100, sequenceLength: 512 };

describe('benchmark runner step env', () => {
  it('reads one configuration or a chunk of them', () => {
    expect(readStepConfigurations({ GANTRY_CONFIG_ID: 'c4', GANTRY_CONFIG: JSON.stringify(c) })).toEqual([
      { stepId: 'c4', configurationId: formatConfigurationId(c), configuration: c },
    ]);
    const chunk = [
      { id: 'c0', parameters: c },
      { id: 'c1', parameters: { ...c, batchSize: 32 } },
    ];
    const read = readStepConfigurations({ GANTRY_CONFIG_ID: 'chunk-0', GANTRY_CONFIG: JSON.stringify(chunk) });
    expect(read.map((r) => r.stepId)).toEqual(['c0', 'c1']);
    expect(read[1].configurationId).toBe('llama-3.1-8b/vllm/fp16/fp16/a100-80gbx1/b32/s512/o256');
  });

  it('refuses parameters that are not a benchmark configuration', () => {
    expect(() => readStepConfigurations({ GANTRY_CONFIG: JSON.stringify({ ...c, engine: 'nope' }) })).toThrow(/engine/);
    expect(() => readStepConfigurations({})).toThrow();
  });

  it("counts attempts from Argo's retries", () => {
    expect(readStepAttempt({ GANTRY_ATTEMPT: '0' })).toBe(1);
    expect(readStepAttempt({ GANTRY_ATTEMPT: '2' })).toBe(3);
    expect(readStepAttempt({ GANTRY_ATTEMPT: '{{retries}}' })).toBe(1);
    expect(readStepAttempt({})).toBe(1);
  });

  it('knows its image by name, whatever the tag', () => {
    expect(isBenchmarkRunnerImage('ghcr.io/gantry-dev/benchmark-runner:2')).toBe(true);
    expect(isBenchmarkRunnerImage('ghcr.io/acme/bench:1')).toBe(false);
  });
});
