// Bulletin page charts: each township's problems found/closed/overdue, and complaints against the previous period.
document.addEventListener("DOMContentLoaded", () => {
  const source = document.getElementById("bulletin-chart");
  if (!source || typeof Chart === "undefined") return;
  const data = JSON.parse(source.textContent);
  const bar = (label, values, color) => ({ label, data: values, backgroundColor: color });
  const options = { responsive: true, scales: { y: { beginAtZero: true, ticks: { precision: 0 } } } };
  const items = document.getElementById("chart-items");
  if (items) {
    new Chart(items, {
      type: "bar",
      data: {
        labels: data.labels,
        datasets: [
          bar("本期发现", data.found, "rgba(13, 110, 253, 0.7)"),
          bar("本期销号", data.closed, "rgba(25, 135, 84, 0.7)"),
          bar("逾期未整改", data.overdue, "rgba(200, 35, 51, 0.7)"),
        ],
      },
      options,
    });
  }
  const complaints = document.getElementById("chart-complaints");
  if (complaints) {
    new Chart(complaints, {
      type: "bar",
      data: {
        labels: data.labels,
        datasets: [
          bar(data.period, data.complaints, "rgba(200, 35, 51, 0.7)"),
          bar(data.previous, data.complaints_before, "rgba(108, 117, 125, 0.5)"),
        ],
      },
      options,
    });
  }
});
