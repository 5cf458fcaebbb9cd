// Campaign and home-panel charts. Data comes from json_script elements named by data-chart;
// no inline script, so the content security policy stays strict.
document.addEventListener("DOMContentLoaded", () => {
  if (typeof Chart === "undefined") return;
  const series = {
    found: { label: "发现", color: "#0d6efd" },
    closed: { label: "销号", color: "#198754" },
    overdue: { label: "逾期", color: "#dc3545" },
    rate: { label: "销号率（%）", color: "#6f42c1" },
  };
  document.querySelectorAll("canvas[data-chart]").forEach((canvas) => {
    const source = document.getElementById(canvas.dataset.chart);
    if (!source) return;
    const data = JSON.parse(source.textContent);
    const keys = (canvas.dataset.series || "found,closed,overdue").split(",");
    // A closure rate is a percentage: keep the axis at 0–100 even when every rate is 0.
    const valueAxis = { beginAtZero: true, suggestedMax: keys.includes("rate") ? 100 : undefined };
    const horizontal = data.labels.length > 6;
    new Chart(canvas, {
      type: "bar",
      data: {
        labels: data.labels,
        datasets: keys.map((key) => ({
          label: series[key].label,
          data: data[key],
          backgroundColor: series[key].color,
        })),
      },
      options: {
        responsive: true,
        maintainAspectRatio: false,
        indexAxis: horizontal ? "y" : "x",
        scales: horizontal ? { x: valueAxis } : { y: valueAxis },
      },
    });
  });
});
