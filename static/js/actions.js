// Action register: tick every proposal of the page at once, and say how many are ticked.
(() => {
  const boxes = (form) => document.querySelectorAll(`input[name="ids"][form="${form.id}"]`);
  const count = (form) => {
    const ticked = [...boxes(form)].filter((box) => box.checked).length;
    const label = form.querySelector("[data-selected-count]");
    if (label) label.textContent = `已选 ${ticked} 项`;
  };
  document.addEventListener("change", (event) => {
    const form = document.querySelector("form[data-bulk]");
    if (!form) return;
    if (event.target.matches("[data-select-all]")) {
      boxes(form).forEach((box) => { box.checked = event.target.checked; });
    }
    if (event.target.matches("[data-select-all], input[name='ids']")) count(form);
  });
})();
