// Type-ahead filters (orgs.filters.PickWidget): the search box asks a small scoped endpoint for
// matches; picking one puts its id in the hidden input and submits the filter form.
(() => {
  const DELAY_MS = 250;

  function show(picker, html) {
    const box = picker.querySelector(".picker-options");
    box.innerHTML = html;
    picker.querySelector("input[type=search]").setAttribute("aria-expanded", html ? "true" : "false");
  }

  function ask(picker) {
    const search = picker.querySelector("input[type=search]");
    const url = `${picker.dataset.pickerUrl}?q=${encodeURIComponent(search.value.trim())}`;
    const asked = search.value;
    fetch(url, { headers: { "X-Requested-With": "fetch" }, credentials: "same-origin" })
      .then((r) => (r.ok ? r.text() : ""))
      .then((html) => { if (search.value === asked) show(picker, html); })
      .catch(() => show(picker, ""));
  }

  function choose(picker, option) {
    const hidden = picker.querySelector("input[type=hidden]");
    const search = picker.querySelector("input[type=search]");
    hidden.value = option ? option.dataset.pick : "";
    search.value = option ? option.textContent.trim() : "";
    show(picker, "");
    hidden.form?.requestSubmit();
  }

  document.addEventListener("input", (ev) => {
    const picker = ev.target.closest(".picker");
    if (!picker || ev.target.type !== "search") return;
    clearTimeout(picker.pending);
    if (!ev.target.value.trim() && picker.querySelector("input[type=hidden]").value) {
      choose(picker, null); // the box emptied: the filter is lifted
      return;
    }
    picker.pending = setTimeout(() => ask(picker), DELAY_MS);
  });

  document.addEventListener("focusin", (ev) => {
    const picker = ev.target.closest(".picker");
    if (picker && ev.target.type === "search" && !picker.querySelector("[data-pick]")) ask(picker);
  });

  document.addEventListener("click", (ev) => {
    const option = ev.target.closest(".picker [data-pick]");
    if (option) {
      choose(option.closest(".picker"), option);
      return;
    }
    document.querySelectorAll(".picker").forEach((p) => { if (!p.contains(ev.target)) show(p, ""); });
  });

  document.addEventListener("keydown", (ev) => {
    const picker = ev.target.closest(".picker");
    if (!picker || ev.target.type !== "search") return;
    const options = Array.from(picker.querySelectorAll("[data-pick]"));
    if (ev.key === "Enter" && options.length) {
      ev.preventDefault(); // Enter picks the first match rather than submitting a half-typed name
      choose(picker, options[0]);
    } else if (ev.key === "ArrowDown" && options.length) {
      ev.preventDefault();
      options[0].focus();
    } else if (ev.key === "Escape") {
      show(picker, "");
    }
  });
})();
