// "Copy" beside the calendar feed address; delegated, so it survives htmx swapping the section.
document.addEventListener("click", async (event) => {
  const button = event.target.closest("[data-copy]");
  if (!button) return;
  const field = document.getElementById(button.dataset.copy);
  field.select();
  try {
    await navigator.clipboard.writeText(field.value);
  } catch {
    document.execCommand("copy");
  }
  button.textContent = "Copied ✓";
  setTimeout(() => { button.textContent = "Copy"; }, 2000);
});
