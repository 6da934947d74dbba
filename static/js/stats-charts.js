// The network dashboard's charts: drawn with Chart.js (static/vendor, from npm) from the JSON block
// #stats-data the page carries, so no inline script is needed (strict CSP). The tables beside each
// chart hold the same figures for screen readers and for print.
const Chart = window.Chart;
const COLORS = ["#0b5563", "#9bbcc2", "#c7791a", "#2e7d32"];

// Long names (offices, partners) are cut on the axis, in full in the tooltip and the table.
function shortLabel(max) {
  return function (value) {
    const label = String(this.getLabelForValue(value));
    return label.length > max ? `${label.slice(0, max - 1)}…` : label;
  };
}

function options(spec) {
  const horizontal = Boolean(spec.horizontal);
  const value = horizontal ? "x" : "y";
  const labelMax = window.innerWidth < 600 ? 18 : 32;
  return {
    responsive: true,
    maintainAspectRatio: false,
    animation: false,
    indexAxis: horizontal ? "y" : "x",
    locale: document.documentElement.lang || "fr",
    plugins: { legend: { display: spec.series.length > 1, position: "bottom" } },
    scales: {
      [value]: {
        beginAtZero: true,
        max: spec.max,
        ticks: spec.unit ? { precision: 0, callback: (tick) => `${tick} ${spec.unit}` } : { precision: 0 },
      },
      [horizontal ? "y" : "x"]: {
        ticks: horizontal
          ? { autoSkip: false, font: { size: 11 }, callback: shortLabel(labelMax) }
          : { font: { size: 11 } },
      },
    },
  };
}

function draw(canvas, spec) {
  const datasets = spec.series.map((series, index) => ({
    label: series.label,
    data: series.data,
    backgroundColor: COLORS[index % COLORS.length],
    borderRadius: 3,
  }));
  return new Chart(canvas, { type: "bar", data: { labels: spec.labels, datasets }, options: options(spec) });
}

const block = document.getElementById("stats-data");
if (Chart && block) {
  const data = JSON.parse(block.textContent);
  for (const canvas of document.querySelectorAll("canvas[data-chart]")) {
    const spec = data[canvas.dataset.chart];
    if (spec) {
      draw(canvas, spec);
      canvas.dataset.drawn = "1";
    }
  }
}
