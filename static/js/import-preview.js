// However many rows are ticked, send them as one field ("rows"): Django refuses a
// request with more than 1000 fields. Without JavaScript each checkbox is its own field.
document.addEventListener("formdata", (event) => {
  if (event.target.id !== "import-confirm") return;
  const ticked = event.formData.getAll("row");
  event.formData.delete("row");
  event.formData.set("rows", ticked.join(","));
}, true);
