// A figure drawn wider than the text column is shrunk to fit, and its labels can become too
// small to read: each notebook output image shown narrower than its own width becomes a link
// to its file, which opens it at full size (the cursor shows a magnifier).
document.addEventListener("DOMContentLoaded", () => {
  for (const img of document.querySelectorAll("main .cell_output img")) {
    const link = () => {
      if (img.naturalWidth > 1.1 * img.clientWidth && !img.closest("a")) {
        const a = document.createElement("a");
        a.href = img.src;
        a.target = "_blank";
        a.title = "Open the figure at full size";
        a.className = "figure-zoom";
        img.replaceWith(a);
        a.appendChild(img);
      }
    };
    if (img.complete) link(); else img.addEventListener("load", link);
  }
});
