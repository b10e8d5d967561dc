// The picture chat apps show when a share link is pasted: title, weights and the top picks.
import { ImageResponse } from 'next/og';
import { formatWeightShare, metricLabel } from '@/components/benchmarks/metric-format';
import { loadSharedRanking } from './load';

export const alt = 'A benchmark ranking shared from Gantry';
export const size = { width: 1200, height: 630 };
export const contentType = 'image/png';
export const dynamic = 'force-dynamic';

const clip = (s: string, n: number) => (s.length > n ? `${s.slice(0, n - 1)}…` : s);

export default async function Image({ params }: { params: Promise<{ token: string }> }) {
  const shared = await loadSharedRanking((await params).token);
  if (!shared) return new Response('Not found', { status: 404 });
  const { settings, rows, recommendations } = shared.snapshot;
  return new ImageResponse(
    <div
      style={{
        display: 'flex',
        flexDirection: 'column',
        width: '100%',
        height: '100%',
        padding: 60,
        background: '#0f172a',
        color: '#f8fafc',
      }}
    >
      <div style={{ fontSize: 28, color: '#a5b4fc' }}>Gantry · benchmark ranking</div>
      <div style={{ fontSize: 56, fontWeight: 700, marginTop: 16 }}>{clip(shared.title, 80)}</div>
      <div style={{ display: 'flex', flexWrap: 'wrap', marginTop: 28, fontSize: 28, color: '#cbd5e1' }}>
        {settings.criteria.map((k, j) => (
          <div key={k} style={{ marginRight: 32 }}>
            {`${metricLabel(k)} ${formatWeightShare(settings.weights, j)}`}
          </div>
        ))}
      </div>
      <div style={{ display: 'flex', flexDirection: 'column', marginTop: 36, fontSize: 30 }}>
        {recommendations.slice(0, 3).map((r) => (
          <div key={r.index} style={{ display: 'flex', marginTop: 10 }}>
            <div style={{ color: '#34d399', width: 70 }}>{`#${r.rank}`}</div>
            <div>{clip(rows[r.index].label, 56)}</div>
          </div>
        ))}
      </div>
      <div style={{ marginTop: 'auto', fontSize: 24, color: '#94a3b8' }}>
        {clip(`${rows.length} configurations · ${shared.snapshot.datasetName}`, 100)}
      </div>
    </div>,
    size,
  );
}
