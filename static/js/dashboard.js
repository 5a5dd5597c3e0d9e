// Keep each dashboard section's count true as htmx removes or replaces its items,
// and say so when a section has been cleared.
(() => {
  const board = document.querySelector(".dashboard");
  if (!board) return;
  const recount = () => {
    for (const section of board.querySelectorAll(".section")) {
      const open = section.querySelectorAll("li.item:not(.done)").length;
      section.querySelector(".count").textContent = open;
      section.classList.toggle("cleared", open === 0);
    }
  };
  new MutationObserver(recount).observe(board, { childList: true, subtree: true });
})();
