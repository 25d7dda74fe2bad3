// Selects marked data-autosubmit send their form as soon as they change.
document.addEventListener("change", (event) => {
  const field = event.target.closest("select[data-autosubmit]");
  if (field && field.form) field.form.requestSubmit();
});
