// Ledger pages: project type-ahead on quick entry, and showing the inputs a bulk action needs.
document.addEventListener("click", (ev) => {
  const pick = ev.target.closest("[data-pick-project]");
  if (!pick) return;
  const hidden = document.getElementById("id_project");
  const search = document.getElementById("project-search");
  if (hidden) hidden.value = pick.dataset.pickProject;
  if (search) search.value = pick.dataset.projectName;
  document.getElementById("project-results").replaceChildren();
});
