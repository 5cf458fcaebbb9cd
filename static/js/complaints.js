// Complaints pages: the keyboard-driven review queue and the charts (data comes from json_script).
document.addEventListener("DOMContentLoaded", () => {
  setUpReviewQueue();
  setUpCharts();
});

// One entry per spelling (township + written name): j/k or ↓/↑ move between entries, 1–9 pick a
// candidate, 0 picks 不属于物业项目, Enter confirms the entry, s skips it. The list can be replaced by the
// filters (htmx), so entries are looked up each time, never kept.
function setUpReviewQueue() {
  if (!document.querySelector("[data-review-list]")) return;
  let current = 0;
  const items = () => Array.from(document.querySelectorAll("[data-review-list] [data-review-item]"));
  const isOpen = (el) => !el.hasAttribute("data-done");

  function focusItem(index) {
    const all = items();
    if (!all.length) return;
    current = Math.max(0, Math.min(index, all.length - 1));
    all.forEach((el, i) => {
      el.classList.toggle("border-primary", i === current);
      el.toggleAttribute("data-current", i === current);
    });
    all[current].scrollIntoView({ block: "nearest" });
  }

  // The first entry still waiting after `from` (or at it, with `inclusive`), else the first waiting one.
  function nextOpen(from, inclusive = false) {
    const all = items();
    const after = all.findIndex((el, i) => i >= (inclusive ? from : from + 1) && isOpen(el));
    if (after !== -1) return after;
    const first = all.findIndex(isOpen);
    return first === -1 ? from : first;
  }

  function pick(item, key) {
    const choice = key === "0"
      ? item.querySelector("[data-pick-none]")
      : item.querySelectorAll("[data-pick]")[Number(key) - 1];
    if (choice) choice.checked = true;
  }

  document.addEventListener("keydown", (ev) => {
    const typing = ev.target.closest("textarea, select, input:not([type=radio]):not([type=checkbox])");
    if (typing || ev.ctrlKey || ev.metaKey || ev.altKey) return;
    const item = items()[current];
    if (ev.key === "j" || ev.key === "ArrowDown") focusItem(current + 1);
    else if (ev.key === "k" || ev.key === "ArrowUp") focusItem(current - 1);
    else if (ev.key === "s") focusItem(nextOpen(current));
    else if (/^[0-9]$/.test(ev.key) && item && isOpen(item)) pick(item, ev.key);
    else if (ev.key === "Enter" && item && isOpen(item)) item.requestSubmit();
    else return;
    ev.preventDefault();
  });

  document.addEventListener("click", (ev) => {
    const item = ev.target.closest("[data-review-list] [data-review-item]");
    if (!item) return;
    if (ev.target.closest("[data-skip]")) focusItem(nextOpen(items().indexOf(item)));
    else focusItem(items().indexOf(item));
  });

  // Choosing from the township's list means "other project".
  document.addEventListener("change", (ev) => {
    if (!ev.target.matches("[data-review-item] [data-other]")) return;
    const other = ev.target.closest("[data-review-item]").querySelector("[data-pick-other]");
    if (other) other.checked = ev.target.value !== "";
  });

  // A refused decision (400, 409) keeps the entry and its choices; the reason shows under them.
  document.body.addEventListener("htmx:beforeSwap", (ev) => {
    const item = ev.detail.elt.closest && ev.detail.elt.closest("[data-review-item]");
    if (!item || ev.detail.xhr.status < 400 || ev.detail.xhr.status >= 500) return;
    ev.detail.shouldSwap = false;
    ev.detail.isError = false;
    item.querySelector("[data-error]").textContent = ev.detail.xhr.responseText;
  });

  // After a decision the entry is replaced; carry on with the next waiting one. A new list
  // (filters, next page) starts at its top.
  document.body.addEventListener("htmx:afterSwap", (ev) => {
    if (ev.detail.target.id === "results") current = 0;
    const left = items().some(isOpen);
    const next = document.querySelector("[data-review-next]");
    if (next) next.classList.toggle("d-none", left || !items().length);
    if (left) focusItem(ev.detail.target.id === "results" ? 0 : nextOpen(current, true));
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
