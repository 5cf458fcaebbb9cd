// Quarter page charts: score distribution against last quarter, and township/department scores.
document.addEventListener("DOMContentLoaded", () => {
  const source = document.getElementById("scoring-chart");
  if (!source || typeof Chart === "undefined") return;
  const data = JSON.parse(source.textContent);
  const distribution = document.getElementById("score-distribution");
  if (distribution) {
    const datasets = [{ label: data.current_label, data: data.current, backgroundColor: "rgba(200, 35, 51, 0.7)" }];
    if (data.previous_label) {
      datasets.push({ label: data.previous_label, data: data.previous, backgroundColor: "rgba(108, 117, 125, 0.5)" });
    }
    new Chart(distribution, {
      type: "bar",
      data: { labels: data.labels, datasets },
      options: { responsive: true, scales: { y: { beginAtZero: true, ticks: { precision: 0 } } } },
    });
  }
  const units = document.getElementById("unit-change");
  if (units && data.units.length) {
    const datasets = [{ label: data.current_label, data: data.units_current, backgroundColor: "rgba(200, 35, 51, 0.7)" }];
    if (data.previous_label) {
      datasets.push({ label: data.previous_label, data: data.units_previous, backgroundColor: "rgba(108, 117, 125, 0.5)" });
    }
    new Chart(units, {
      type: "bar",
      data: { labels: data.units, datasets },
      options: { indexAxis: "y", responsive: true, scales: { x: { min: 0, max: 100 } } },
    });
  }
});
