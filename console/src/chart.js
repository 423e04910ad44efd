// The chart of a route's v2 weight over time (uPlot): a stepped line through every weight
// change, with rollbacks and operator actions as marker series of their own so that they
// show in the legend and can be told apart without colour (different point shapes/sizes).
import uPlot from 'uplot';
import 'uplot/dist/uPlot.min.css';

// The chart's points from traffic_split_history rows (chart order): the weight before the
// first change, then the weight after each change, at its recorded time (seconds).
export function chartData(history) {
  const times = [];
  const weights = [];
  const rollbacks = [];
  const operator = [];
  if (history.length === 0) return { times, weights, rollbacks, operator };
  const first = history[0];
  const seconds = (row) => new Date(row.recorded_at).getTime() / 1000;
  // The starting weight, a moment before the first change so that both points show.
  times.push(seconds(first) - 1e-3);
  weights.push(first.v2_before ?? 0);
  rollbacks.push(null);
  operator.push(null);
  for (const row of history) {
    times.push(seconds(row));
    weights.push(row.v2_after);
    rollbacks.push(row.trigger_source === 'rollback' ? row.v2_after : null);
    const byOperator = row.trigger_source === 'operator' || row.cause === 'manual_rollback';
    operator.push(byOperator ? row.v2_after : null);
  }
  return { times, weights, rollbacks, operator };
}

// Draws into `container` (replacing what was there) and returns the uPlot instance.
export function drawChart(container, history, width) {
  const data = chartData(history);
  container.replaceChildren();
  const markers = (stroke, fill, size) => ({
    stroke, fill, width: 0, paths: () => null, points: { show: true, size, stroke, fill, width: 2 },
  });
  return new uPlot({
    width,
    height: 280,
    title: 'v2 weight over time',
    scales: { y: { range: [0, 100] } },
    axes: [{}, { label: 'v2 weight (%)' }],
    series: [
      {},
      { label: 'v2 weight', stroke: '#1f5fbf', width: 2, paths: uPlot.paths.stepped({ align: 1 }),
        points: { show: true, size: 5 } },
      { label: 'rollback', ...markers('#b3261e', '#b3261e', 14) },
      { label: 'operator action', ...markers('#7a4f00', '#ffffff', 12) },
    ],
  }, [data.times, data.weights, data.rollbacks, data.operator], container);
}
