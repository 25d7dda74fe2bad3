// Inside data-swap-invalid, a 400 answer is a form shown again with its
// errors: htmx swaps it in like a success instead of dropping it.
document.addEventListener("htmx:beforeSwap", (event) => {
  if (event.detail.xhr.status !== 400) return;
  if (!event.target.closest("[data-swap-invalid]")) return;
  event.detail.shouldSwap = true;
  event.detail.isError = false;
});
