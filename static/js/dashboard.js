// Keep each dashboard section's count true as htmx removes or replaces its items,
// and say so when a section has been cleared.
(() => {
  const board = document.querySelector(".dashboard");
  if (!board) return;
  const recount = () => {
    for (const section of board.querySelectorAll(".section")) {
      const listed = section.querySelectorAll("li.item:not(.done)").length;
      const open = Number(section.dataset.total) - Number(section.dataset.shown) + listed;
      const count = section.querySelector(".count");
      // Writing the same text again is a mutation too: it would call us back forever.
      if (count.textContent !== String(open)) count.textContent = open;
      section.classList.toggle("cleared", listed === 0);
    }
  };
  new MutationObserver(recount).observe(board, { childList: true, subtree: true });
})();
