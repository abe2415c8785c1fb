import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { concurrencyRow, fleetRunCost, formatWall } from '../../../scripts/fleet/sizing';

const page = readFileSync(join(__dirname, '..', '..', '..', 'docs', 'fleet.md'), 'utf8');
const usd = (n: number, digits = 2) => `$${n.toFixed(digits)}`;

describe('docs/fleet.md sizing is the arithmetic of scripts/fleet/sizing.ts', () => {
  test.each([10, 100, 500])('concurrency %d: connections and wall time', (c) => {
    const row = concurrencyRow(c);
    const line = page.split('\n').find((l) => l.startsWith(`| ${c} |`));
    expect(line).toBeDefined();
    expect(line).toContain(`| ${row.worstClusterConnections.toLocaleString('en-US')} / ${row.interleavedConnections} |`);
    expect(line).toContain(`${row.waves.toLocaleString('en-US')} × 10 s ≈ **${formatWall(row.wallSeconds)}**`);
  });

  test('the cost of one fleet run', () => {
    const cost = fleetRunCost();
    expect(page).toContain(`${cost.transitions.toLocaleString('en-US')} transitions × $0.025 / 1,000 = **${usd(cost.transitionsUsd)}**`);
    expect(page).toContain(`${cost.gbSeconds.toLocaleString('en-US')} GB-s ×\n  $0.0000166667 = **${usd(cost.gbSeconds * 0.0000166667)}**`);
    expect(page).toContain(`**Total ≈ ${usd(cost.totalUsd)} per fleet run**`);
    expect(page).toContain(`about ${cost.noopGbSeconds.toLocaleString('en-US')} GB-s,\n  ${usd(cost.noopLambdaUsd, 3)} of Lambda`);
    expect(page).toContain(`**≈ ${usd(cost.noopTotalUsd)}**`);
  });
});
