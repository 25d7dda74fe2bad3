// Sparky's panel keeps its newest message in view: after a question (the
// whole panel is swapped) it scrolls to the end, and while an answer grows
// it follows it, unless the reader has scrolled up to read older ones.
function sparkyFollow(list, always) {
  const nearEnd = list.scrollHeight - list.scrollTop - list.clientHeight < 80;
  if (always || nearEnd) list.scrollTop = list.scrollHeight;
}

document.addEventListener("htmx:beforeSwap", (event) => {
  const list = event.target.closest(".sparky-messages");
  if (list) list.dataset.nearEnd =
    String(list.scrollHeight - list.scrollTop - list.clientHeight < 80);
});

document.addEventListener("htmx:afterSettle", (event) => {
  const target = event.detail.elt;
  if (!target) return;
  if (target.id === "sparky") {
    const list = target.querySelector(".sparky-messages");
    if (list) sparkyFollow(list, true);
    return;
  }
  const list = target.closest && target.closest(".sparky-messages");
  if (list) sparkyFollow(list, list.dataset.nearEnd === "true");
});
