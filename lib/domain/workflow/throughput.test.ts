import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import {
  countGpusForDeadline,
  EMBEDDING_THROUGHPUT,
  estimateEmbeddingRun,
  MAX_SHORT_TEXT_SPEEDUP,
  scaleThroughput,
} from './throughput';

const DAY = 24 * 3600;

describe('embedding throughput model', () => {
  it('states the sequence length of every figure; T4 is 3,000/min at 384 tokens', () => {
    expect(EMBEDDING_THROUGHPUT.T4).toMatchObject({ embeddingsPerMinute: 3_000, seqLength: 384 });
    for (const figure of Object.values(EMBEDDING_THROUGHPUT)) expect(figure.seqLength).toBeGreaterThan(0);
  });

  it('runs short texts 10-30x faster than 384-token chunks', () => {
    const t4 = EMBEDDING_THROUGHPUT.T4;
    expect(scaleThroughput(t4, 384)).toBe(3_000);
    const at32 = scaleThroughput(t4, 32) / 3_000;
    expect(at32).toBeGreaterThan(10);
    expect(at32).toBeLessThan(30);
    expect(scaleThroughput(t4, 4) / 3_000).toBe(MAX_SHORT_TEXT_SPEEDUP);
    expect(scaleThroughput(t4, 512)).toBeLessThan(3_000);
  });

  it('100M documents at 384 tokens: 555.6 T4 GPU-hours, 24 T4s for 24 hours without overheads', () => {
    const input = {
      documents: 100_000_000,
      seqLength: 384,
      gpuKind: 'T4',
      chunkSize: 10_000,
      podStartupSeconds: 0,
      fixedSeconds: 0,
    };
    const estimate = estimateEmbeddingRun({ ...input, gpus: 24, pricePerGpuHour: 0.35 });
    expect(estimate.gpuHours).toBeCloseTo(555.56, 1);
    expect(estimate.costUsd).toBeCloseTo(194.44, 1);
    expect(estimate.durationSeconds / 3600).toBeCloseTo(23.15, 1);
    expect(countGpusForDeadline({ ...input, deadlineSeconds: DAY })).toBe(24);
  });

  it('counts startup and fixed steps, so more GPUs are needed with them', () => {
    const input = { documents: 100_000_000, seqLength: 384, gpuKind: 'T4', chunkSize: 10_000 };
    const gpus = countGpusForDeadline({ ...input, deadlineSeconds: DAY })!;
    expect(gpus).toBeGreaterThan(24);
    expect(estimateEmbeddingRun({ ...input, gpus }).durationSeconds).toBeLessThanOrEqual(DAY);
    expect(estimateEmbeddingRun({ ...input, gpus: gpus - 1 }).durationSeconds).toBeGreaterThan(DAY);
  });

  it('says when no number of GPUs meets the deadline', () => {
    expect(
      countGpusForDeadline({ documents: 1_000, seqLength: 384, gpuKind: 'T4', chunkSize: 1_000, deadlineSeconds: 60 }),
    ).toBeNull();
  });

  it('finds the smallest GPU count that fits (property)', () => {
    fc.assert(
      fc.property(
        fc.integer({ min: 1_000, max: 50_000_000 }),
        fc.integer({ min: 16, max: 512 }),
        fc.integer({ min: 3_600, max: 7 * DAY }),
        (documents, seqLength, deadlineSeconds) => {
          const input = { documents, seqLength, gpuKind: 'A100-80GB', chunkSize: 20_000 };
          const gpus = countGpusForDeadline({ ...input, deadlineSeconds });
          if (gpus === null) return;
          expect(estimateEmbeddingRun({ ...input, gpus }).durationSeconds).toBeLessThanOrEqual(deadlineSeconds);
          if (gpus > 1)
            expect(estimateEmbeddingRun({ ...input, gpus: gpus - 1 }).durationSeconds).toBeGreaterThan(deadlineSeconds);
        },
      ),
    );
  });

  it('rejects unknown GPU kinds', () => {
    expect(() => estimateEmbeddingRun({ documents: 1, seqLength: 1, gpuKind: 'TPU', gpus: 1, chunkSize: 1 })).toThrow(
      /TPU/,
    );
  });
});
