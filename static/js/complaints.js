// Complaints pages: the keyboard-driven review queue and the charts (data comes from json_script).
document.addEventListener("DOMContentLoaded", () => {
  setUpReviewQueue();
  setUpCharts();
});

function setUpReviewQueue() {
  const list = document.querySelector("[data-review-list]");
  if (!list) return;
  let current = 0;
  const items = () => Array.from(list.querySelectorAll("[data-review-item]"));
  const open = () => items().filter((el) => !el.hasAttribute("data-done"));

  function focusItem(index) {
    const all = items();
    if (!all.length) return;
    current = Math.max(0, Math.min(index, all.length - 1));
    all.forEach((el, i) => el.classList.toggle("border-primary", i === current));
    all[current].classList.add("shadow-sm");
    all[current].scrollIntoView({ block: "nearest" });
  }

  // The first item still waiting after `from` (or at it, with `inclusive`), else the first waiting one.
  function nextOpen(from, inclusive = false) {
    const all = items();
    const start = inclusive ? from : from + 1;
    for (let i = start; i < all.length; i += 1) {
      if (!all[i].hasAttribute("data-done")) return i;
    }
    const first = all.findIndex((el) => !el.hasAttribute("data-done"));
    return first === -1 ? from : first;
  }

  document.addEventListener("keydown", (ev) => {
    if (ev.target.closest("input, select, textarea") || ev.ctrlKey || ev.metaKey || ev.altKey) return;
    const item = items()[current];
    if (ev.key === "j" || ev.key === "ArrowDown") {
      focusItem(current + 1);
    } else if (ev.key === "k" || ev.key === "ArrowUp") {
      focusItem(current - 1);
    } else if (ev.key === "s") {
      focusItem(nextOpen(current));
    } else if (/^[1-9]$/.test(ev.key) && item) {
      const pick = item.querySelectorAll("[data-pick]")[Number(ev.key) - 1];
      if (pick) pick.click();
    } else {
      return;
    }
    ev.preventDefault();
  });

  list.addEventListener("click", (ev) => {
    const skip = ev.target.closest("[data-skip]");
    if (skip) focusItem(nextOpen(items().indexOf(skip.closest("[data-review-item]"))));
  });

  // After a pick is saved the item is replaced; carry on with the next open one.
  document.body.addEventListener("htmx:afterSwap", () => {
    if (open().length) focusItem(nextOpen(current, true));
  });
  focusItem(0);
}

function setUpCharts() {
  if (typeof Chart === "undefined") return;
  document.querySelectorAll("canvas[data-chart]").forEach((canvas) => {
    const source = document.getElementById(canvas.dataset.source);
    if (!source) return;
    const data = JSON.parse(source.textContent);
    if (canvas.dataset.chart === "trend") {
      new Chart(canvas, {
        type: "line",
        data: { labels: data.labels, datasets: data.series.map((s) => ({ label: s.label, data: s.data, tension: 0.2 })) },
        options: { maintainAspectRatio: false, plugins: { legend: { position: "bottom", labels: { boxWidth: 10 } } } },
      });
    } else if (canvas.dataset.chart === "yoy") {
      new Chart(canvas, {
        type: "bar",
        data: {
          labels: data.labels,
          datasets: [
            { label: "上年", data: data.last_year, backgroundColor: "rgba(108,117,125,0.5)" },
            { label: "本年", data: data.this_year, backgroundColor: "rgba(220,53,69,0.7)" },
          ],
        },
        options: { maintainAspectRatio: false, scales: { y: { beginAtZero: true } } },
      });
    }
  });
}
