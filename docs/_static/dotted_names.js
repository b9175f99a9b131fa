// A module's name is one long dotted word to the browser (deterrence.solvers.tree.sequence_enumeration):
// in the left sidebar it was cut off at the edge (in code font) or broken inside a word
// ("tree.s" / "equence_enumeration"), and so were the page titles and the footer's links to the
// previous and next pages, and the "On this page" box's list of an API page's objects; in the general index (genindex.html) the column of the module names held
// its table wider than a 768-pixel window. A <wbr> after each dot of a
// dotted name lets it wrap there, and only there while a segment fits (docs/_static/titles.css).
// A <wbr> is not copied with the text, unlike a zero-width space, so a copied name stays whole.
const DOTTED = /(?<=[A-Za-z_]\w*\.)(?=[A-Za-z_])/;

function breakAfterDots(element) {
  const walker = document.createTreeWalker(element, NodeFilter.SHOW_TEXT);
  const texts = [];
  while (walker.nextNode()) texts.push(walker.currentNode);
  for (const text of texts) {
    const parts = text.data.split(DOTTED);
    if (parts.length < 2) continue;
    const pieces = parts.flatMap((part, k) => (k ? [document.createElement("wbr"), part] : [part]));
    text.replaceWith(...pieces);
  }
}

document.addEventListener("DOMContentLoaded", () => {
  for (const element of document.querySelectorAll(
      ".bd-sidebar-primary a, .bd-sidebar-secondary nav.page-toc a, .bd-breadcrumbs, main h1, .prev-next-title, " +
      "table.genindextable a")) {
    breakAfterDots(element);
  }
});
